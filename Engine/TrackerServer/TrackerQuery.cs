using System.Globalization;
using System.Text;
using Engine.Core.Primitives;
using Engine.Core.Trackers;

namespace Engine.TrackerServer;

/// <summary>An announce as the HTTP tracker reads it from the query string.</summary>
/// <param name="NoPeerId">The client asked for peer lists without peer ids (<c>no_peer_id=1</c>).</param>
internal sealed record HttpAnnounceQuery(AnnounceRequest Request, bool NoPeerId);

/// <summary>
/// Reads tracker query strings (BEP 3 announce, BEP 48 scrape). Values are percent-decoded to raw bytes
/// (<c>info_hash</c> and <c>peer_id</c> are binary). <c>+</c> is kept as a literal byte: clients escape it.
/// Pure; every problem comes back as a failure reason naming it, never as an exception.
/// </summary>
internal static class TrackerQuery
{
    /// <summary>Most parameters in one query string.</summary>
    public const int MaxParameters = 256;

    /// <summary>Most info-hashes in one HTTP scrape.</summary>
    public const int MaxScrapeHashes = 100;

    /// <summary>Splits and percent-decodes a query string (without the leading '?'). Names are case-sensitive.</summary>
    public static bool TryParse(string query, out List<KeyValuePair<string, byte[]>> parameters, out string? failure)
    {
        parameters = [];
        failure = null;
        if (query.Length == 0) return true;
        foreach (var part in query.Split('&'))
        {
            if (part.Length == 0) continue;
            if (parameters.Count == MaxParameters)
            {
                failure = $"more than {MaxParameters} query parameters";
                return false;
            }
            var equals = part.IndexOf('=');
            var rawName = equals < 0 ? part : part[..equals];
            var rawValue = equals < 0 ? "" : part[(equals + 1)..];
            if (!TryDecode(rawName, out var name) || !TryDecode(rawValue, out var value))
            {
                failure = $"malformed percent-encoding in query parameter '{Printable(rawName)}'";
                return false;
            }
            parameters.Add(new(Encoding.UTF8.GetString(name), value));
        }
        return true;
    }

    /// <summary>Reads an announce. False with a failure reason (sent back to the client) when a parameter is missing or invalid.</summary>
    public static bool TryParseAnnounce(string query, out HttpAnnounceQuery? announce, out string? failure)
    {
        announce = null;
        if (!TryParse(query, out var parameters, out failure)) return false;
        if (!TryGetHash(parameters, "info_hash", out var infoHash, out failure)) return false;
        if (!TryGetSingle(parameters, "peer_id", required: true, out var peerIdBytes, out failure)) return false;
        if (peerIdBytes!.Length != PeerId.Length)
        {
            failure = $"'peer_id' must be {PeerId.Length} bytes, got {peerIdBytes.Length}";
            return false;
        }
        if (!TryGetNumber(parameters, "port", required: true, 1, 65535, out var port, out failure)
            || !TryGetLeft(parameters, out var left, out failure)
            || !TryGetNumber(parameters, "uploaded", required: false, 0, long.MaxValue, out var uploaded, out failure)
            || !TryGetNumber(parameters, "downloaded", required: false, 0, long.MaxValue, out var downloaded, out failure)
            || !TryGetNumber(parameters, "numwant", required: false, long.MinValue, long.MaxValue, out var numWant, out failure, missing: -1))
            return false;
        TryGetSingle(parameters, "event", required: false, out var eventBytes, out _);
        AnnounceEvent announceEvent;
        switch (eventBytes is null ? "" : Encoding.ASCII.GetString(eventBytes))
        {
            case "" or "empty" or "paused": announceEvent = AnnounceEvent.None; break;
            case "started": announceEvent = AnnounceEvent.Started; break;
            case "completed": announceEvent = AnnounceEvent.Completed; break;
            case "stopped": announceEvent = AnnounceEvent.Stopped; break;
            default:
                failure = $"unknown 'event' '{Printable(Encoding.Latin1.GetString(eventBytes!))}'";
                return false;
        }
        TryGetSingle(parameters, "ip", required: false, out var ipBytes, out _);
        TryGetSingle(parameters, "key", required: false, out var keyBytes, out _);
        var request = new AnnounceRequest(infoHash, PeerId.FromBytes(peerIdBytes), (int)port, uploaded, downloaded, left, announceEvent,
            NumWant: numWant < 0 ? -1 : (int)Math.Min(numWant, int.MaxValue),
            Key: KeyOf(keyBytes),
            Compact: Text(parameters, "compact") != "0",
            Ip: ipBytes is null ? null : Encoding.UTF8.GetString(ipBytes));
        announce = new HttpAnnounceQuery(request, Text(parameters, "no_peer_id") == "1");
        return true;
    }

    /// <summary>Reads a scrape: 1 to <see cref="MaxScrapeHashes"/> <c>info_hash</c> parameters (a full scrape is refused: see /catalog).</summary>
    public static bool TryParseScrape(string query, out List<InfoHash> infoHashes, out string? failure)
    {
        infoHashes = [];
        if (!TryParse(query, out var parameters, out failure)) return false;
        foreach (var (name, value) in parameters)
        {
            if (name != "info_hash") continue;
            if (value.Length != InfoHash.Length)
            {
                failure = $"'info_hash' must be {InfoHash.Length} bytes, got {value.Length}";
                return false;
            }
            if (infoHashes.Count == MaxScrapeHashes)
            {
                failure = $"more than {MaxScrapeHashes} info-hashes in one scrape";
                return false;
            }
            infoHashes.Add(InfoHash.FromBytes(value));
        }
        if (infoHashes.Count != 0) return true;
        failure = "a scrape needs at least one 'info_hash' (this tracker has no full scrape; see /catalog)";
        return false;
    }

    private static bool TryGetHash(List<KeyValuePair<string, byte[]>> parameters, string name, out InfoHash hash, out string? failure)
    {
        hash = default;
        if (!TryGetSingle(parameters, name, required: true, out var bytes, out failure)) return false;
        if (bytes!.Length != InfoHash.Length)
        {
            failure = $"'{name}' must be {InfoHash.Length} bytes, got {bytes.Length}";
            return false;
        }
        hash = InfoHash.FromBytes(bytes);
        return true;
    }

    private static bool TryGetSingle(List<KeyValuePair<string, byte[]>> parameters, string name, bool required, out byte[]? value, out string? failure)
    {
        value = null;
        failure = null;
        foreach (var (key, v) in parameters)
        {
            if (key != name) continue;
            if (value is not null)
            {
                failure = $"'{name}' is given more than once";
                return false;
            }
            value = v;
        }
        if (value is null && required)
        {
            failure = $"missing '{name}'";
            return false;
        }
        return true;
    }

    private static bool TryGetNumber(List<KeyValuePair<string, byte[]>> parameters, string name, bool required, long min, long max,
        out long number, out string? failure, long missing = 0)
    {
        number = missing;
        if (!TryGetSingle(parameters, name, required, out var bytes, out failure)) return false;
        if (bytes is null) return true;
        var text = Encoding.Latin1.GetString(bytes);
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number) || number < min || number > max)
        {
            failure = $"invalid '{name}' '{Printable(text)}'";
            return false;
        }
        return true;
    }

    /// <summary>
    /// <c>left</c> is required, but may be empty: a client with only a magnet link does not know it before the metadata
    /// (WebTorrent sends <c>left=</c>). That peer is stored as a leecher with <see cref="AnnounceRequest.UnknownLeft"/>.
    /// </summary>
    private static bool TryGetLeft(List<KeyValuePair<string, byte[]>> parameters, out long left, out string? failure)
    {
        left = AnnounceRequest.UnknownLeft;
        if (!TryGetSingle(parameters, "left", required: true, out var bytes, out failure)) return false;
        return bytes!.Length == 0 || TryGetNumber(parameters, "left", required: true, 0, long.MaxValue, out left, out failure);
    }

    private static string? Text(List<KeyValuePair<string, byte[]>> parameters, string name)
    {
        foreach (var (key, value) in parameters)
            if (key == name) return Encoding.Latin1.GetString(value);
        return null;
    }

    /// <summary>BEP 7 keys are usually 8 hex digits; anything else is folded to 32 bits.</summary>
    private static uint KeyOf(byte[]? bytes)
    {
        if (bytes is null) return 0;
        if (uint.TryParse(Encoding.Latin1.GetString(bytes), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex)) return hex;
        var h = 2166136261u;
        foreach (var b in bytes) h = (h ^ b) * 16777619u;
        return h;
    }

    private static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = new byte[text.Length];
        var n = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%')
            {
                if (i + 2 >= text.Length || !IsHex(text[i + 1]) || !IsHex(text[i + 2])) return false;
                bytes[n++] = (byte)(HexValue(text[i + 1]) << 4 | HexValue(text[i + 2]));
                i += 2;
            }
            else if (c > 0xff) return false;
            else bytes[n++] = (byte)c;
        }
        Array.Resize(ref bytes, n);
        return true;
    }

    private static bool IsHex(char c) => c is >= '0' and <= '9' or >= 'a' and <= 'f' or >= 'A' and <= 'F';

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    /// <summary>Text safe to echo in an error: printable ASCII, at most 40 characters.</summary>
    internal static string Printable(string text)
    {
        var sb = new StringBuilder(Math.Min(text.Length, 40));
        foreach (var c in text)
        {
            if (sb.Length == 40) return sb.Append("...").ToString();
            sb.Append(c is >= ' ' and < (char)0x7f ? c : '?');
        }
        return sb.ToString();
    }
}
