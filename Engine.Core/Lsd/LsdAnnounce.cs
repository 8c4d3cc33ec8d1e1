using System.Globalization;
using System.Text;
using Engine.Core.Primitives;

namespace Engine.Core.Lsd;

/// <summary>
/// A local service discovery announce (BEP 14), HTTP-over-UDP-multicast:
/// <c>BT-SEARCH * HTTP/1.1</c>, then <c>Host</c> (the group), <c>Port</c> (the sender's listen port), one or more
/// <c>Infohash</c> (40 hex digits) and <c>cookie</c> (so a client can ignore its own announces), then an empty line.
/// Parsing is case-insensitive on header names, tolerant of extra headers, and strict on what it uses.
/// </summary>
internal sealed record LsdAnnounce(int Port, IReadOnlyList<InfoHash> InfoHashes, string? Cookie)
{
    public const string V4Group = "239.192.152.143";
    public const string V6Group = "ff15::efc0:988f";
    public const int GroupPort = 6771;

    /// <summary>Announces carry a handful of info-hashes at most: a longer list is cut, a longer packet refused.</summary>
    public const int MaxInfoHashes = 16;
    public const int MaxPacket = 1400;

    public byte[] Encode(bool v6)
    {
        var text = new StringBuilder("BT-SEARCH * HTTP/1.1\r\n");
        text.Append(CultureInfo.InvariantCulture, $"Host: {(v6 ? "[" + V6Group + "]" : V4Group)}:{GroupPort}\r\n");
        text.Append(CultureInfo.InvariantCulture, $"Port: {Port}\r\n");
        foreach (var hash in InfoHashes) text.Append("Infohash: ").Append(hash.ToHex()).Append("\r\n");
        if (Cookie is not null) text.Append("cookie: ").Append(Cookie).Append("\r\n");
        text.Append("\r\n\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>The announce in <paramref name="packet"/>, or null when it is not one we can use.</summary>
    public static LsdAnnounce? TryParse(ReadOnlySpan<byte> packet)
    {
        if (packet.Length is 0 or > MaxPacket) return null;
        var lines = Encoding.ASCII.GetString(packet).Split("\r\n");
        if (lines[0].Trim() != "BT-SEARCH * HTTP/1.1") return null;
        int? port = null;
        string? cookie = null;
        var hashes = new List<InfoHash>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Port", StringComparison.OrdinalIgnoreCase) && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and <= 65535)
                port = p;
            else if (name.Equals("Infohash", StringComparison.OrdinalIgnoreCase) && hashes.Count < MaxInfoHashes && InfoHash.TryFromHex(value, out var hash))
                hashes.Add(hash);
            else if (name.Equals("cookie", StringComparison.OrdinalIgnoreCase) && value.Length is > 0 and <= 64)
                cookie = value;
        }
        return port is { } ok && hashes.Count > 0 ? new LsdAnnounce(ok, hashes, cookie) : null;
    }
}
