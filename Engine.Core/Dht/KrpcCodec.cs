using System.Net;
using Engine.Core.Bencode;
using Engine.Core.Primitives;

namespace Engine.Core.Dht;

/// <summary>
/// Encodes and decodes KRPC messages (BEP 5, with BEP 32's <c>nodes6</c>, BEP 42's <c>ip</c>, BEP 43's <c>ro</c>, BEP 33's
/// <c>seed</c>). Decoding is strict about what it needs (a dictionary; <c>t</c>, <c>y</c>; ids of 20 bytes; a port in range)
/// and ignores every key it does not know, as the BEP asks. Anything else is a <see cref="KrpcException"/>, never another
/// exception: packets come from anyone.
/// </summary>
internal static class KrpcCodec
{
    /// <summary>Largest packet read (a DHT packet fits one unfragmented datagram; bigger ones are not ours to parse).</summary>
    public const int MaxPacket = 4096;

    private const int MaxTransaction = 16;
    private const int MaxToken = 64;

    public static KrpcMessage Decode(ReadOnlyMemory<byte> packet)
    {
        if (packet.Length > MaxPacket) throw new KrpcException($"packet of {packet.Length} bytes is larger than {MaxPacket}");
        BDictionary d;
        try { d = BencodeReader.DecodePrefix(packet, out _, new BencodeOptions(Strict: false, MaxDepth: 8)) as BDictionary ?? throw new KrpcException("not a dictionary"); }
        catch (BencodeException e) { throw new KrpcException("not bencoded: " + e.Message); }
        if (!d.TryGet<BString>("t", out var t) || t.Bytes.Length > MaxTransaction) throw new KrpcException("no transaction id");
        var transaction = t.Bytes.ToArray();
        try
        {
            KrpcMessage message = Kind(d) switch
            {
                "q" => DecodeQuery(d, transaction),
                "r" => DecodeResponse(d, transaction),
                "e" => DecodeError(d, transaction),
                var y => throw new KrpcException($"unknown message type '{y}'", transaction),
            };
            return message with
            {
                Version = d.TryGet<BString>("v", out var v) && v.Bytes.Length <= 16 ? v.Bytes.ToArray() : null,
                ReportedAddress = d.TryGet<BString>("ip", out var ip) && ip.Bytes.Length is 6 or 18 ? CompactEndPoint.Read(ip.Bytes.Span) : null,
            };
        }
        catch (KrpcException e) when (e.Transaction is null) { throw new KrpcException(e.Message, transaction); }
    }

    private static string Kind(BDictionary d) => d.TryGet<BString>("y", out var y) ? y.Text : throw new KrpcException("no message type 'y'");

    private static KrpcQuery DecodeQuery(BDictionary d, byte[] t)
    {
        if (!d.TryGet<BString>("q", out var q)) throw new KrpcException("query without a method 'q'");
        if (!d.TryGet<BDictionary>("a", out var a)) throw new KrpcException("query without arguments 'a'");
        var sender = Id(a, "id");
        KrpcQuery query = q.Text switch
        {
            "ping" => new PingQuery(t, sender),
            "find_node" => new FindNodeQuery(t, sender, Id(a, "target")),
            "get_peers" => new GetPeersQuery(t, sender, Id(a, "info_hash").ToInfoHash()),
            "announce_peer" => Announce(a, t, sender),
            var name => new UnknownQuery(t, sender, name.Length <= 32 ? name : name[..32]),
        };
        return query with { ReadOnly = a.TryGet<BInteger>("ro", out var ro) && ro.Value == 1 };
    }

    private static AnnouncePeerQuery Announce(BDictionary a, byte[] t, NodeId sender)
    {
        var implied = a.TryGet<BInteger>("implied_port", out var ip) && ip.Value == 1;
        var port = a.TryGet<BInteger>("port", out var p) ? p.Value : 0;
        if (!implied && port is < 1 or > 65535) throw new KrpcException($"announce_peer with port {port}");
        if (!a.TryGet<BString>("token", out var token) || token.Bytes.Length is 0 or > MaxToken) throw new KrpcException("announce_peer without a token");
        return new AnnouncePeerQuery(t, sender, Id(a, "info_hash").ToInfoHash(), (int)Math.Clamp(port, 0, 65535), implied, token.Bytes.ToArray())
        {
            Seed = a.TryGet<BInteger>("seed", out var seed) && seed.Value == 1,
        };
    }

    private static KrpcResponse DecodeResponse(BDictionary d, byte[] t)
    {
        if (!d.TryGet<BDictionary>("r", out var r)) throw new KrpcException("response without 'r'");
        return new KrpcResponse(t, Id(r, "id"))
        {
            Nodes = r.TryGet<BString>("nodes", out var n) ? DhtContact.ReadAll(n.Bytes.Span, IpFamily.V4) : [],
            Nodes6 = r.TryGet<BString>("nodes6", out var n6) ? DhtContact.ReadAll(n6.Bytes.Span, IpFamily.V6) : [],
            Values = r.TryGet<BList>("values", out var values) ? Peers(values) : [],
            Token = r.TryGet<BString>("token", out var token) && token.Bytes.Length is > 0 and <= MaxToken ? token.Bytes.ToArray() : null,
        };
    }

    private static List<IPEndPoint> Peers(BList values)
    {
        var peers = new List<IPEndPoint>(values.Count);
        foreach (var v in values.Items)
            if (v is BString { Bytes.Length: 6 or 18 } s && CompactEndPoint.Read(s.Bytes.Span) is { Port: > 0 } peer)
                peers.Add(peer);
        return peers;
    }

    private static KrpcError DecodeError(BDictionary d, byte[] t)
    {
        if (!d.TryGet<BList>("e", out var e) || e.Count < 2 || e[0] is not BInteger code || e[1] is not BString text)
            throw new KrpcException("error without [code, message]");
        var message = text.Text;
        return new KrpcError(t, (int)Math.Clamp(code.Value, int.MinValue, int.MaxValue), message.Length <= 256 ? message : message[..256]);
    }

    private static NodeId Id(BDictionary d, string key)
        => d.TryGet<BString>(key, out var s) && s.Bytes.Length == NodeId.Length ? NodeId.FromBytes(s.Bytes.Span) : throw new KrpcException($"'{key}' is not a 20-byte id");

    // ---- encoding ----------------------------------------------------------------------------------

    public static byte[] Encode(KrpcMessage message, byte[]? version = null)
    {
        var d = new BDictionaryBuilder().Add("t", message.Transaction);
        if (version is not null) d.Add("v", version);
        if (message.ReportedAddress is { } ip) d.Add("ip", Compact(ip));
        switch (message)
        {
            case KrpcQuery q:
                d.Add("y", "q").Add("q", q.Method).Add("a", Arguments(q));
                break;
            case KrpcResponse r:
                d.Add("y", "r").Add("r", Values(r));
                break;
            case KrpcError e:
                d.Add("y", "e").Add("e", new BList(new BInteger(e.Code), new BString(e.Message)));
                break;
        }
        return d.ToArray();
    }

    private static BDictionaryBuilder Arguments(KrpcQuery q)
    {
        var a = new BDictionaryBuilder().Add("id", q.Sender.ToArray());
        if (q.ReadOnly) a.Add("ro", 1);
        switch (q)
        {
            case FindNodeQuery f: a.Add("target", f.Target.ToArray()); break;
            case GetPeersQuery g: a.Add("info_hash", g.InfoHash.ToArray()); break;
            case AnnouncePeerQuery p:
                a.Add("info_hash", p.InfoHash.ToArray()).Add("port", p.Port).Add("token", p.Token);
                if (p.ImpliedPort) a.Add("implied_port", 1);
                if (p.Seed) a.Add("seed", 1);
                break;
        }
        return a;
    }

    private static BDictionaryBuilder Values(KrpcResponse r)
    {
        var values = new BDictionaryBuilder().Add("id", r.Responder.ToArray());
        if (r.Nodes.Count > 0) values.Add("nodes", DhtContact.WriteAll(r.Nodes, IpFamily.V4));
        if (r.Nodes6.Count > 0) values.Add("nodes6", DhtContact.WriteAll(r.Nodes6, IpFamily.V6));
        if (r.Token is not null) values.Add("token", r.Token);
        if (r.Values.Count > 0) values.Add("values", new BList(r.Values.Select(p => (BValue)new BString(Compact(p)))));
        return values;
    }

    private static byte[] Compact(IPEndPoint endPoint) => CompactEndPoint.ToArray(endPoint);
}
