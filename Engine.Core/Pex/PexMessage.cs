using Engine.Core.Bencode;
using Engine.Core.Primitives;

namespace Engine.Core.Pex;

/// <summary>
/// A ut_pex message (BEP 11): peers added (with flags) and dropped since the last message, IPv4 in
/// <c>added</c>/<c>added.f</c>/<c>dropped</c>, IPv6 in <c>added6</c>/<c>added6.f</c>/<c>dropped6</c>. Decoding ignores entries
/// it cannot read (a partial entry, port 0) and is bounded: at most <see cref="MaxPeers"/> of each kind are read.
/// </summary>
internal sealed record PexMessage(IReadOnlyList<PexPeer> Added, IReadOnlyList<System.Net.IPEndPoint> Dropped)
{
    /// <summary>Peers of each kind per message (BEP 11 asks senders for at most 50; we read a little more, then stop).</summary>
    public const int MaxPeers = 100;

    public byte[] Encode()
    {
        var d = new BDictionaryBuilder();
        foreach (var (family, suffix) in new[] { (IpFamily.V4, ""), (IpFamily.V6, "6") })
        {
            var added = Added.Where(p => IpFamilies.Of(p.EndPoint) == family).ToList();
            var dropped = Dropped.Where(p => IpFamilies.Of(p) == family).ToList();
            if (added.Count > 0)
            {
                d.Add("added" + suffix, Compact(added.Select(a => a.EndPoint)));
                d.Add("added" + suffix + ".f", added.Select(a => (byte)a.Flags).ToArray());
            }
            if (dropped.Count > 0) d.Add("dropped" + suffix, Compact(dropped));
        }
        return d.ToArray();
    }

    /// <summary>Null when the payload is not a bencoded dictionary; otherwise whatever could be read.</summary>
    public static PexMessage? TryDecode(ReadOnlyMemory<byte> payload)
    {
        BDictionary d;
        try
        {
            if (BencodeReader.DecodePrefix(payload, out _, new BencodeOptions(Strict: false, MaxDepth: 4)) is not BDictionary dict) return null;
            d = dict;
        }
        catch (BencodeException) { return null; }
        var added = new List<PexPeer>();
        var dropped = new List<System.Net.IPEndPoint>();
        foreach (var (size, suffix) in new[] { (6, ""), (18, "6") })
        {
            if (d.TryGet<BString>("added" + suffix, out var a))
            {
                var flags = d.TryGet<BString>("added" + suffix + ".f", out var f) ? f.Bytes.Span : default;
                var peers = Read(a.Bytes.Span, size);
                for (var i = 0; i < peers.Count; i++) added.Add(new PexPeer(peers[i], i < flags.Length ? (PexFlags)flags[i] : PexFlags.None));
            }
            if (d.TryGet<BString>("dropped" + suffix, out var dr)) dropped.AddRange(Read(dr.Bytes.Span, size));
        }
        return new PexMessage(added, dropped);
    }

    private static List<System.Net.IPEndPoint> Read(ReadOnlySpan<byte> compact, int size)
    {
        var list = new List<System.Net.IPEndPoint>();
        for (var at = 0; at + size <= compact.Length && list.Count < MaxPeers; at += size)
            if (CompactEndPoint.Read(compact.Slice(at, size)) is { Port: > 0 } p) list.Add(p);
        return list;
    }

    private static byte[] Compact(IEnumerable<System.Net.IPEndPoint> peers)
    {
        var bytes = new List<byte>();
        Span<byte> one = stackalloc byte[18];
        foreach (var p in peers)
        {
            var n = CompactEndPoint.Write(p, one);
            for (var i = 0; i < n; i++) bytes.Add(one[i]);
        }
        return bytes.ToArray();
    }
}
