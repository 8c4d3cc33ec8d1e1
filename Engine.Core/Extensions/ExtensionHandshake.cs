using System.Net;
using Engine.Core.Bencode;

namespace Engine.Core.Extensions;

/// <summary>
/// The BEP 10 extension handshake (extended message id 0): <c>m</c> maps extension names to the ids the sender
/// wants to receive them under (0 = disabled), plus <c>metadata_size</c> (BEP 9), <c>p</c> (listen port),
/// <c>v</c> (client), <c>reqq</c> and <c>yourip</c> (the address the sender sees us at). Pure. Decoding is lenient: a
/// field of the wrong type is ignored.
/// </summary>
internal sealed record ExtensionHandshake(
    IReadOnlyDictionary<string, int> Extensions,
    int? MetadataSize = null,
    int? ListenPort = null,
    string? Client = null,
    int? RequestQueue = null)
{
    /// <summary>The whole decoded dictionary, for extensions that read keys of their own (empty when built here).</summary>
    public BDictionary Fields { get; init; } = BDictionary.Empty;

    /// <summary>The address the sender sees us at (<c>yourip</c>: 4 or 16 bytes; an IPv4-mapped one as IPv4), or null.</summary>
    public IPAddress? YourIp { get; init; }

    /// <summary>The id the sender wants <paramref name="name"/> messages under, or null when it does not support (or disabled) it.</summary>
    public int? IdOf(string name) => Extensions.TryGetValue(name, out var id) && id is > 0 and <= 255 ? id : null;

    public byte[] Encode()
    {
        var m = new BDictionaryBuilder();
        foreach (var (name, id) in Extensions) m.Add(name, id);
        var d = new BDictionaryBuilder().Add("m", m);
        if (MetadataSize is { } size) d.Add("metadata_size", size);
        if (ListenPort is { } port) d.Add("p", port);
        if (RequestQueue is { } reqq) d.Add("reqq", reqq);
        if (Client is not null) d.Add("v", Client);
        if (YourIp is not null) d.Add("yourip", CompactAddress(YourIp));
        return d.ToArray();
    }

    /// <summary>Decodes a handshake payload; throws <see cref="ExtensionException"/> when it is not a bencoded dictionary.</summary>
    public static ExtensionHandshake Decode(ReadOnlyMemory<byte> payload)
    {
        BDictionary d;
        try
        {
            // Some clients pad the handshake: the first value is what counts.
            if (BencodeReader.DecodePrefix(payload, out _, BencodeOptions.Metainfo) is not BDictionary dict)
                throw new ExtensionException("extension handshake is not a dictionary");
            d = dict;
        }
        catch (BencodeException e) { throw new ExtensionException("extension handshake is not bencoded: " + e.Message); }
        var extensions = new Dictionary<string, int>();
        if (d.TryGet<BDictionary>("m", out var m))
            foreach (var (key, value) in m.Entries)
                if (value is BInteger { Value: >= 0 and <= 255 } id) extensions[key.Text] = (int)id.Value;
        return new ExtensionHandshake(
            extensions,
            d.TryGet<BInteger>("metadata_size", out var size) && size.Value is > 0 and <= int.MaxValue ? (int)size.Value : null,
            d.TryGet<BInteger>("p", out var port) && port.Value is > 0 and <= 65535 ? (int)port.Value : null,
            d.TryGet<BString>("v", out var v) ? v.Text : null,
            d.TryGet<BInteger>("reqq", out var reqq) && reqq.Value is > 0 and <= int.MaxValue ? (int)reqq.Value : null)
        {
            Fields = d,
            YourIp = d.TryGet<BString>("yourip", out var ip) && ip.Bytes.Length is 4 or 16 ? Unmapped(new IPAddress(ip.Bytes.Span)) : null,
        };
    }

    /// <summary><paramref name="address"/> as <c>yourip</c> carries it: 4 bytes for IPv4 (an IPv4-mapped IPv6 address too), else 16.</summary>
    public static byte[] CompactAddress(IPAddress address)
        => Unmapped(address).GetAddressBytes();

    // Peers.PeerAddress.Normalize does the same, but Peers uses this folder, not the other way round.
    private static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
