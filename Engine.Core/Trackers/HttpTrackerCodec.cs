using System.Globalization;
using System.Text;
using Engine.Core.Primitives;

namespace Engine.Core.Trackers;

/// <summary>
/// HTTP tracker protocol (BEP 3, compact peers BEP 23, IPv6 BEP 7, scrape BEP 48): builds announce and
/// scrape URLs and decodes the bencoded responses. Pure: no I/O.
/// </summary>
internal static partial class HttpTrackerCodec
{
    /// <summary>
    /// The announce URL with the request's query parameters appended (after any query the URL already has;
    /// a fragment is dropped). <c>info_hash</c> and <c>peer_id</c> are percent-encoded byte by byte.
    /// </summary>
    public static Uri BuildAnnounceUri(string announceUrl, AnnounceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Port is < 0 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(request), $"port {request.Port} is not a TCP port");
        if (request.Uploaded < 0 || request.Downloaded < 0 || request.Left < 0 || request.NumWant < 0)
            throw new ArgumentOutOfRangeException(nameof(request), "uploaded, downloaded, left and numwant must not be negative");
        var sb = StartQuery(announceUrl);
        sb.Append("info_hash=").Append(request.InfoHash.ToUrlEncoded());
        sb.Append("&peer_id=").Append(request.PeerId.ToUrlEncoded());
        Append(sb, "port", request.Port);
        Append(sb, "uploaded", request.Uploaded);
        Append(sb, "downloaded", request.Downloaded);
        Append(sb, "left", request.Left);
        sb.Append("&key=").Append(request.Key.ToString("X8", CultureInfo.InvariantCulture));
        if (request.Event != AnnounceEvent.None)
            sb.Append("&event=").Append(request.Event switch
            {
                AnnounceEvent.Started => "started",
                AnnounceEvent.Completed => "completed",
                AnnounceEvent.Stopped => "stopped",
                _ => throw new ArgumentOutOfRangeException(nameof(request), $"unknown announce event {request.Event}"),
            });
        Append(sb, "numwant", request.NumWant);
        sb.Append(request.Compact ? "&compact=1&no_peer_id=1" : "&compact=0");
        if (request.TrackerId is not null) sb.Append("&trackerid=").Append(Uri.EscapeDataString(request.TrackerId));
        if (request.Ip is not null) sb.Append("&ip=").Append(Uri.EscapeDataString(request.Ip));
        return new Uri(sb.ToString());
    }

    /// <summary>
    /// The scrape URL by the BEP 48 convention: the last path segment of the announce URL must start with
    /// <c>announce</c>, which becomes <c>scrape</c>. Null when the announce URL does not follow it.
    /// </summary>
    public static string? ScrapeUrlFor(string announceUrl)
    {
        if (!TryParseHttp(announceUrl, out _)) return null;
        var end = announceUrl.IndexOfAny(['?', '#']);
        var path = end < 0 ? announceUrl : announceUrl[..end];
        var slash = path.LastIndexOf('/');
        if (slash < 0 || path.IndexOf("//", StringComparison.Ordinal) + 1 == slash) return null; // no path at all
        if (string.CompareOrdinal(path, slash + 1, "announce", 0, 8) != 0) return null;
        return string.Concat(announceUrl.AsSpan(0, slash + 1), "scrape", announceUrl.AsSpan(slash + 1 + 8));
    }

    /// <summary>The scrape URL for these torrents (one <c>info_hash</c> parameter each), or null when the announce URL has no scrape convention.</summary>
    public static Uri? BuildScrapeUri(string announceUrl, IReadOnlyList<InfoHash> infoHashes)
    {
        ArgumentNullException.ThrowIfNull(infoHashes);
        var scrape = ScrapeUrlFor(announceUrl);
        if (scrape is null) return null;
        var sb = StartQuery(scrape);
        for (var i = 0; i < infoHashes.Count; i++)
        {
            if (i > 0) sb.Append('&');
            sb.Append("info_hash=").Append(infoHashes[i].ToUrlEncoded());
        }
        if (infoHashes.Count == 0 && sb[^1] is '?' or '&') sb.Length--;
        return new Uri(sb.ToString());
    }

    private static StringBuilder StartQuery(string url)
    {
        if (!TryParseHttp(url, out _))
            throw new ArgumentException($"'{url}' is not an absolute http or https URL", nameof(url));
        var hash = url.IndexOf('#');
        var baseUrl = hash < 0 ? url : url[..hash];
        var sb = new StringBuilder(baseUrl, baseUrl.Length + 256);
        if (!baseUrl.Contains('?')) sb.Append('?');
        else if (baseUrl[^1] is not ('?' or '&')) sb.Append('&');
        return sb;
    }

    private static bool TryParseHttp(string? url, out Uri? uri) =>
        Uri.TryCreate(url, UriKind.Absolute, out uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static void Append(StringBuilder sb, string name, long value) =>
        sb.Append('&').Append(name).Append('=').Append(value.ToString(CultureInfo.InvariantCulture));
}
