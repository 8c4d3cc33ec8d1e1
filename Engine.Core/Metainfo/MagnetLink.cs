using System.Globalization;
using System.Net;
using System.Text;
using Engine.Core.Primitives;

namespace Engine.Core.Metainfo;

/// <summary>
/// A BEP 9 magnet link: <c>magnet:?xt=urn:btih:&lt;hash&gt;&amp;dn=&lt;name&gt;&amp;tr=&lt;tracker&gt;...</c>.
/// The hash is 40 hex digits or 32 base32 characters. <c>tr</c>, <c>ws</c> and <c>x.pe</c> may repeat
/// (also as <c>tr.1</c>, <c>tr.2</c>...). Values are percent-decoded as UTF-8; in <c>dn</c> a '+' is a space.
/// <c>so</c> (BEP 53) selects files by index (<see cref="FileIndexList"/>).
/// Unknown parameters are ignored. BEP 52 <c>urn:btmh:1220&lt;64 hex&gt;</c> (a SHA-256 multihash) gives the v2
/// info-hash: a hybrid link has both; a v2-only link (btmh alone) parses, with the truncated v2 hash as
/// <see cref="InfoHash"/>.
/// </summary>
public sealed class MagnetLink
{
    private const string Sha256Multihash = "1220";

    private MagnetLink(InfoHash infoHash, ReadOnlyMemory<byte> infoHashV2, string? displayName, IReadOnlyList<string> trackers,
        IReadOnlyList<string> webSeeds, IReadOnlyList<EndPoint> peers, IReadOnlyList<int> selectOnly)
    {
        SelectOnly = selectOnly;
        InfoHash = infoHash;
        InfoHashV2 = infoHashV2;
        DisplayName = displayName;
        Trackers = trackers;
        WebSeeds = webSeeds;
        Peers = peers;
    }

    /// <summary>The btih hash, or for a v2-only link the v2 hash truncated to 20 bytes (what BEP 52 uses on the wire).</summary>
    public InfoHash InfoHash { get; }

    /// <summary>The 32-byte v2 info-hash of <c>urn:btmh</c>; empty when the link has none.</summary>
    public ReadOnlyMemory<byte> InfoHashV2 { get; }

    /// <summary>A link with only <c>urn:btmh</c>: the engine cannot download it yet.</summary>
    public bool IsV2Only { get; private init; }

    /// <summary><c>dn</c>: a suggested name (not sanitised: the name in the metadata is what counts).</summary>
    public string? DisplayName { get; }

    /// <summary><c>tr</c>, in order, without repeats.</summary>
    public IReadOnlyList<string> Trackers { get; }

    /// <summary><c>ws</c> (BEP 19 web seeds), in order, without repeats.</summary>
    public IReadOnlyList<string> WebSeeds { get; }

    /// <summary><c>x.pe</c>: <see cref="IPEndPoint"/> for IP literals, <see cref="DnsEndPoint"/> for host names.</summary>
    public IReadOnlyList<EndPoint> Peers { get; }

    /// <summary><c>so</c> (BEP 53): the indices of the files to download, ascending; empty when the link selects none (all are wanted).</summary>
    public IReadOnlyList<int> SelectOnly { get; }

    public static bool IsMagnet(string text) => text.StartsWith("magnet:", StringComparison.OrdinalIgnoreCase);

    public static MagnetLink Parse(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        uri = uri.Trim();
        if (!uri.StartsWith("magnet:?", StringComparison.OrdinalIgnoreCase))
            throw new MagnetException("not a magnet link (it must start with 'magnet:?')");

        InfoHash? v1 = null;
        byte[]? v2 = null;
        string? name = null;
        var trackers = new List<string>();
        var webSeeds = new List<string>();
        var peers = new List<EndPoint>();
        IReadOnlyList<int> selectOnly = [];

        foreach (var part in uri["magnet:?".Length..].Split('&'))
        {
            if (part.Length == 0) continue;
            var eq = part.IndexOf('=');
            if (eq <= 0)
                throw new MagnetException($"malformed parameter '{part}' (expected key=value)");
            var key = BaseKey(part[..eq]);
            var raw = part[(eq + 1)..];
            switch (key)
            {
                case "xt":
                    var xt = PercentDecode(raw, key, plusIsSpace: false);
                    if (xt.StartsWith("urn:btih:", StringComparison.OrdinalIgnoreCase))
                    {
                        var hash = ParseBtih(xt["urn:btih:".Length..]);
                        if (v1 is { } earlier && earlier != hash)
                            throw new MagnetException($"conflicting info-hashes {earlier} and {hash}");
                        v1 = hash;
                    }
                    else if (xt.StartsWith("urn:btmh:", StringComparison.OrdinalIgnoreCase))
                    {
                        var hash = ParseBtmh(xt["urn:btmh:".Length..]);
                        if (v2 is { } earlier && !earlier.AsSpan().SequenceEqual(hash))
                            throw new MagnetException("conflicting v2 info-hashes (urn:btmh)");
                        v2 = hash;
                    }
                    break;
                case "dn":
                    name ??= PercentDecode(raw, key, plusIsSpace: true);
                    break;
                case "tr":
                    AddDistinct(trackers, PercentDecode(raw, key, plusIsSpace: false));
                    break;
                case "ws":
                    AddDistinct(webSeeds, PercentDecode(raw, key, plusIsSpace: false));
                    break;
                case "so":
                    try { selectOnly = FileIndexList.Parse(PercentDecode(raw, key, plusIsSpace: false)); }
                    catch (FormatException e) { throw new MagnetException("so: " + e.Message); }
                    break;
                case "x.pe":
                    var peer = ParsePeer(PercentDecode(raw, key, plusIsSpace: false));
                    if (!peers.Contains(peer)) peers.Add(peer);
                    break;
            }
        }

        if (v1 is null && v2 is null)
            throw new MagnetException("missing 'xt=urn:btih:<info-hash>' (or 'xt=urn:btmh:1220<v2 info-hash>')");
        return new MagnetLink(v1 ?? InfoHash.FromBytes(v2.AsSpan(0, InfoHash.Length)), v2 ?? [], name, trackers, webSeeds, peers, selectOnly)
        {
            IsV2Only = v1 is null,
        };
    }

    /// <summary>BEP 52: a multihash, 0x12 (SHA-256) 0x20 (32 bytes) then the hash, in hex.</summary>
    private static byte[] ParseBtmh(string text)
    {
        if (!text.StartsWith(Sha256Multihash, StringComparison.Ordinal) || text.Length != Sha256Multihash.Length + 64)
            throw new MagnetException($"v2 info-hash '{text}' is not '1220' followed by 64 hexadecimal digits (a SHA-256 multihash)");
        try { return Convert.FromHexString(text.AsSpan(Sha256Multihash.Length)); }
        catch (FormatException) { throw new MagnetException($"v2 info-hash '{text}' is not hexadecimal"); }
    }

    /// <summary>The link in canonical form: hex hash(es) (btih, btmh), then dn, tr, ws and x.pe percent-encoded, and so.</summary>
    public string ToUri()
    {
        var sb = new StringBuilder("magnet:?");
        if (!IsV2Only) sb.Append("xt=urn:btih:").Append(InfoHash.ToHex());
        if (!InfoHashV2.IsEmpty)
            sb.Append(IsV2Only ? "" : "&").Append("xt=urn:btmh:").Append(Sha256Multihash).Append(Convert.ToHexStringLower(InfoHashV2.Span));
        if (DisplayName is not null) sb.Append("&dn=").Append(Uri.EscapeDataString(DisplayName));
        foreach (var t in Trackers) sb.Append("&tr=").Append(Uri.EscapeDataString(t));
        foreach (var w in WebSeeds) sb.Append("&ws=").Append(Uri.EscapeDataString(w));
        foreach (var p in Peers) sb.Append("&x.pe=").Append(Uri.EscapeDataString(FormatPeer(p)));
        if (SelectOnly.Count > 0) sb.Append("&so=").Append(FileIndexList.Format(SelectOnly));
        return sb.ToString();
    }

    public override string ToString() => ToUri();

    /// <summary>"tr.1" → "tr"; other keys unchanged.</summary>
    private static string BaseKey(string key)
    {
        var dot = key.LastIndexOf('.');
        if (dot > 0 && dot + 1 < key.Length && !key.AsSpan(dot + 1).ContainsAnyExceptInRange('0', '9'))
            return key[..dot];
        return key;
    }

    private static void AddDistinct(List<string> list, string value)
    {
        value = value.Trim();
        if (value.Length > 0 && !list.Contains(value)) list.Add(value);
    }

    internal static InfoHash ParseBtih(string text)
    {
        if (text.Length == 40)
        {
            if (InfoHash.TryFromHex(text, out var hash)) return hash;
            throw new MagnetException($"info-hash '{text}' is not 40 hexadecimal digits");
        }
        if (text.Length == 32)
            return InfoHash.FromBytes(Base32Decode(text));
        throw new MagnetException($"info-hash '{text}' has {text.Length} characters; expected 40 (hex) or 32 (base32)");
    }

    private static byte[] Base32Decode(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new byte[20];
        int buffer = 0, bits = 0, index = 0;
        foreach (var c in text)
        {
            var value = alphabet.IndexOf(char.ToUpperInvariant(c));
            if (value < 0)
                throw new MagnetException($"info-hash '{text}' is not base32 (bad character '{c}')");
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes[index++] = (byte)(buffer >> bits);
                buffer &= (1 << bits) - 1;
            }
        }
        return bytes;
    }

    private static string PercentDecode(string raw, string key, bool plusIsSpace)
    {
        if (!raw.Contains('%') && !(plusIsSpace && raw.Contains('+'))) return raw;
        var bytes = new List<byte>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '%')
            {
                if (i + 2 >= raw.Length || !byte.TryParse(raw.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                    throw new MagnetException($"invalid percent-encoding in '{key}' at character {i}");
                bytes.Add(b);
                i += 2;
            }
            else if (c == '+' && plusIsSpace)
                bytes.Add((byte)' ');
            else
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    internal static EndPoint ParsePeer(string text)
    {
        string host, portText;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
                throw new MagnetException($"peer '{text}' is not [IPv6]:port");
            host = text[1..close];
            portText = text[(close + 2)..];
            if (!IPAddress.TryParse(host, out var v6) || IpFamilies.Of(v6) != IpFamily.V6)
                throw new MagnetException($"peer '{text}': '{host}' is not an IPv6 address");
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon <= 0 || text.IndexOf(':') != colon)
                throw new MagnetException($"peer '{text}' is not host:port (IPv6 addresses go in brackets)");
            host = text[..colon];
            portText = text[(colon + 1)..];
        }
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new MagnetException($"peer '{text}': port '{portText}' is not 1..65535");
        if (IPAddress.TryParse(host, out var ip))
            return new IPEndPoint(ip, port);
        if (Uri.CheckHostName(host) != UriHostNameType.Dns)
            throw new MagnetException($"peer '{text}': '{host}' is not a host name or IP address");
        return new DnsEndPoint(host, port);
    }

    private static string FormatPeer(EndPoint p) => p switch
    {
        IPEndPoint ip => ip.ToString(),
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => p.ToString()!,
    };
}
