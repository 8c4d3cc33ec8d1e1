using System.Net;
using Engine.Core.Primitives;

namespace Engine.Core.Dht;

/// <summary>
/// A DHT node: its id and UDP endpoint. "Compact node info" is 26 bytes for IPv4 (id, address, port; BEP 5) and 38
/// for IPv6 (BEP 32); a compact peer is 6 or 18 bytes (address, port).
/// </summary>
internal readonly record struct DhtContact(NodeId Id, IPEndPoint EndPoint)
{
    public const int V4Length = NodeId.Length + 6;
    public const int V6Length = NodeId.Length + 18;

    /// <summary>Reads a "nodes" (IPv4) or "nodes6" (IPv6) string; a trailing partial entry is ignored, port 0 is skipped.</summary>
    public static List<DhtContact> ReadAll(ReadOnlySpan<byte> compact, IpFamily family)
    {
        var size = family == IpFamily.V4 ? V4Length : V6Length;
        var list = new List<DhtContact>(compact.Length / size);
        for (var at = 0; at + size <= compact.Length; at += size)
        {
            var entry = compact.Slice(at, size);
            var endPoint = CompactEndPoint.Read(entry[NodeId.Length..]);
            if (endPoint.Port != 0) list.Add(new DhtContact(NodeId.FromBytes(entry[..NodeId.Length]), endPoint));
        }
        return list;
    }

    /// <summary>Writes the contacts of <paramref name="family"/> in compact form.</summary>
    public static byte[] WriteAll(IReadOnlyList<DhtContact> contacts, IpFamily family)
    {
        var size = family == IpFamily.V4 ? V4Length : V6Length;
        var count = 0;
        foreach (var c in contacts) if (IpFamilies.Of(c.EndPoint) == family) count++;
        var bytes = new byte[count * size];
        var at = 0;
        foreach (var c in contacts)
        {
            if (IpFamilies.Of(c.EndPoint) != family) continue;
            c.Id.WriteTo(bytes.AsSpan(at));
            CompactEndPoint.Write(c.EndPoint, bytes.AsSpan(at + NodeId.Length));
            at += size;
        }
        return bytes;
    }

    public override string ToString() => $"{Id.ToString()[..8]}@{EndPoint}";
}
