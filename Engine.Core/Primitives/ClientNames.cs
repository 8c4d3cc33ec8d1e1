using System.Globalization;
using System.Text;

namespace Engine.Core.Primitives;

/// <summary>Names the client program behind a peer id (pure): Azureus-style <c>-LT2080-</c> and aria2's <c>A2-1-36-0-</c>.</summary>
internal static class ClientNames
{
    private static readonly Dictionary<string, string> Known = new()
    {
        ["AK"] = "Engine", ["AZ"] = "Vuze", ["BC"] = "BitComet", ["BI"] = "BiglyBT", ["BT"] = "BitTorrent",
        ["CD"] = "Enhanced CTorrent", ["CT"] = "CTorrent", ["DE"] = "Deluge", ["FD"] = "Free Download Manager",
        ["KT"] = "KTorrent", ["LT"] = "libtorrent", ["lt"] = "libTorrent (rakshasa)", ["MO"] = "MonoTorrent",
        ["qB"] = "qBittorrent", ["TR"] = "Transmission", ["TS"] = "scripted test peer", ["UT"] = "µTorrent", ["UM"] = "µTorrent Mac", ["WW"] = "WebTorrent",
    };

    /// <summary>
    /// "libtorrent 2.0.8", "Transmission 3.00", "libTorrent (rakshasa) 0.13.8", "aria2 1.36.0", "lftp"; "XY 1.2.3.4" for
    /// unknown codes; null when the id follows no known scheme.
    /// </summary>
    public static string? Describe(PeerId id)
    {
        var b = id.Span;
        if (b.StartsWith("-lftp"u8)) return "lftp"; // "-lftp47-" is fixed in its source (4.9.2 sends it): no version
        if (b[0] == '-' && b[7] == '-' && IsAlnum(b[1]) && IsAlnum(b[2]))
        {
            var code = Encoding.ASCII.GetString(b.Slice(1, 2));
            var version = b.Slice(3, 4);
            foreach (var c in version)
                if (!IsAlnum(c)) return null;
            var name = Known.GetValueOrDefault(code, code);
            return name + " " + FormatVersion(code, version);
        }
        if (b[0] == 'A' && b[1] == '2' && b[2] == '-')
        {
            // aria2: "A2-<major>-<minor>-<patch>-" then random bytes.
            var text = Encoding.ASCII.GetString(b.Slice(3, 17));
            var parts = text.Split('-');
            if (parts.Length >= 3 && parts.Take(3).All(p => p.Length > 0 && p.All(char.IsAsciiDigit)))
                return $"aria2 {parts[0]}.{parts[1]}.{parts[2]}";
        }
        return null;
    }

    private static string FormatVersion(string code, ReadOnlySpan<byte> v)
    {
        var digits = Encoding.ASCII.GetString(v);
        if (code == "TR") return $"{digits[0]}.{digits.Substring(1, 2)}"; // Transmission: 3000 = 3.00
        if (code == "WW" && digits.All(char.IsAsciiDigit)) // WebTorrent: two digits a component, 0109 = 1.9
            return $"{int.Parse(digits[..2], CultureInfo.InvariantCulture)}.{int.Parse(digits[2..], CultureInfo.InvariantCulture)}";
        // A capital letter is a component from 10 up (rtorrent's libTorrent 0.13.8 is "0D80"), as libtorrent and
        // Vuze read them. Drop trailing zero components (2080 → 2.0.8), keep at least two.
        var components = digits.Select(c => char.IsAsciiDigit(c) ? (c - '0').ToString()
            : char.IsAsciiLetterUpper(c) ? (c - 'A' + 10).ToString() : c.ToString()).ToList();
        while (components.Count > 2 && components[^1] == "0") components.RemoveAt(components.Count - 1);
        return string.Join('.', components);
    }

    private static bool IsAlnum(byte c) => c is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z';
}
