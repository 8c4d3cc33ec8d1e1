using System.Globalization;
using System.Net;
using System.Text;
using Engine.Core.Primitives;
using Engine.Core.Trackers;

namespace Engine.TrackerServer;

/// <summary>
/// The HTTP tracker's endpoints: <c>/announce</c>, <c>/scrape</c>, <c>/catalog</c>, <c>/catalog/&lt;hash&gt;/peers</c>,
/// <c>/torrents/&lt;hash&gt;.torrent</c>, <c>POST /publish</c>, <c>/api/tracker-cluster</c> and the page at <c>/</c>. Turns a parsed request into a whole HTTP response.
/// </summary>
internal sealed class TrackerHttpRoutes(ITrackerBackend backend)
{
    private const string Bencoded = "text/plain";
    private const string Json = "application/json; charset=utf-8";

    /// <summary>The whole response to one request; complete at once for one tracker, when the shard answers for a cluster.</summary>
    public ValueTask<byte[]> HandleAsync(HttpRequestHead head, byte[] body, IPAddress remote)
    {
        var keepAlive = head.KeepAlive;
        var path = head.Path;
        if (head.Method == "POST")
            return path != "/publish" ? Done(Text(405, "only /publish takes POST", keepAlive))
                : MayPublish(head, remote) is { } refusal ? Done(JsonError(403, refusal, keepAlive))
                : PublishAsync(body, keepAlive);
        if (path == "/publish") return Done(Text(405, "POST the .torrent file to /publish", keepAlive));
        if (head.Method != "GET") return Done(Text(405, $"method {TrackerQuery.Printable(head.Method)} not allowed", keepAlive));
        switch (path)
        {
            case "/announce":
                return AnnounceAsync(head.Query, remote, keepAlive);
            case "/scrape":
                return ScrapeAsync(head.Query, keepAlive);
            case "/catalog":
                return CatalogAsync(Limit(head.Query), keepAlive);
            case "/" or "/index.html":
                return Done(Response(200, "text/html; charset=utf-8", TrackerPage.Html, keepAlive));
            case "/api/tracker-cluster":
                return ClusterAsync(keepAlive);
        }
        if (path.StartsWith("/catalog/", StringComparison.Ordinal) && path.EndsWith("/peers", StringComparison.Ordinal))
            return PeersAsync(path["/catalog/".Length..^"/peers".Length], head.Query, keepAlive);
        if (path.StartsWith("/torrents/", StringComparison.Ordinal) && path.EndsWith(".torrent", StringComparison.Ordinal))
            return TorrentFileAsync(path["/torrents/".Length..^".torrent".Length], keepAlive);
        return Done(Text(404, "not found", keepAlive));
    }

    private static ValueTask<byte[]> Done(byte[] response) => new(response);

    private ValueTask<byte[]> AnnounceAsync(string query, IPAddress remote, bool keepAlive)
    {
        if (!TrackerQuery.TryParseAnnounce(query, out var announce, out var failure))
            return Done(Response(200, Bencoded, TrackerHttpResponses.Failure(failure!), keepAlive));
        var pending = backend.AnnounceAsync(announce!.Request, remote);
        return pending.IsCompletedSuccessfully ? Done(Announced(pending.Result, announce, keepAlive)) : AnnouncedLater(pending, announce, keepAlive);
    }

    private static byte[] Announced(TrackerAnnounceResult result, HttpAnnounceQuery query, bool keepAlive) =>
        Response(200, Bencoded, TrackerHttpResponses.Announce(result, query.Request.Compact, query.NoPeerId), keepAlive);

    private static async ValueTask<byte[]> AnnouncedLater(ValueTask<TrackerAnnounceResult> pending, HttpAnnounceQuery query, bool keepAlive) =>
        Announced(await pending, query, keepAlive);

    private async ValueTask<byte[]> ScrapeAsync(string query, bool keepAlive)
    {
        if (!TrackerQuery.TryParseScrape(query, out var hashes, out var failure))
            return Response(200, Bencoded, TrackerHttpResponses.Failure(failure!), keepAlive);
        var allowed = new List<InfoHash>(hashes.Count);
        foreach (var h in hashes)
            if (backend.Options.Allows(h)) allowed.Add(h);
        var stats = await backend.ScrapeAsync(allowed);
        var files = new List<(InfoHash, ScrapeStats)>(allowed.Count);
        for (var i = 0; i < allowed.Count; i++) files.Add((allowed[i], stats[i]));
        return Response(200, Bencoded, TrackerHttpResponses.Scrape(files), keepAlive);
    }

    private async ValueTask<byte[]> CatalogAsync(int limit, bool keepAlive)
    {
        var view = await backend.CatalogAsync(limit);
        return Response(200, Json, CatalogJson.Catalog(view.Entries, view.TorrentCount, view.PeerCount), keepAlive);
    }

    private async ValueTask<byte[]> PeersAsync(string hex, string query, bool keepAlive)
    {
        if (!InfoHash.TryFromHex(hex, out var hash)) return JsonError(400, $"'{TrackerQuery.Printable(hex)}' is not a 40-digit hex info-hash", keepAlive);
        var peers = await backend.PeersAsync(hash, Limit(query));
        return peers is null ? JsonError(404, $"no torrent {hash} on this tracker", keepAlive)
            : Response(200, Json, CatalogJson.Peers(hash, peers.Name, peers.Peers), keepAlive);
    }

    private async ValueTask<byte[]> TorrentFileAsync(string hex, bool keepAlive)
    {
        if (!InfoHash.TryFromHex(hex, out var hash)) return Text(400, "not a 40-digit hex info-hash", keepAlive);
        var file = await backend.TorrentFileAsync(hash);
        return file is null ? Text(404, $"no published torrent {hash}", keepAlive) : Response(200, "application/x-bittorrent", file, keepAlive);
    }

    private async ValueTask<byte[]> ClusterAsync(bool keepAlive) => await backend.ClusterJsonAsync() is { } json
        ? Response(200, Json, json, keepAlive)
        : JsonError(404, "this tracker is not a node of a tracker cluster", keepAlive);

    /// <summary>Null when <paramref name="remote"/> may publish (an allowed network, or the tracker's token); else why not.</summary>
    private string? MayPublish(HttpRequestHead head, IPAddress remote)
    {
        var options = backend.Options;
        var address = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        foreach (var network in options.PublishFrom)
            if (network.Contains(address)) return null;
        if (options.PublishToken is { } token && head.Authorization is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal)
            && CryptographicEquals(auth["Bearer ".Length..].Trim(), token))
            return null;
        return options.PublishToken is null
            ? $"publishing is open to this tracker's allowed addresses only, and {address} is not one"
            : "publishing needs the tracker's token (Authorization: Bearer <token>) from this address";
    }

    private static bool CryptographicEquals(string a, string b)
        => System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private async ValueTask<byte[]> PublishAsync(byte[] body, bool keepAlive)
    {
        if (body.Length == 0) return JsonError(400, "POST the .torrent file as the request body", keepAlive);
        var result = await backend.PublishAsync(body);
        if (result.IsSuccess) return Response(result.AlreadyPublished ? 200 : 201, Json, CatalogJson.Published(result), keepAlive);
        var status = result.Error == TrackerRegistry.NotAllowedMessage ? 403
            : result.Error!.Contains("full", StringComparison.Ordinal) ? 507
            : result.Error.StartsWith(Unavailable, StringComparison.Ordinal) ? 503 : 400;
        return JsonError(status, result.Error, keepAlive);
    }

    /// <summary>How a refusal starts when a tracker cluster's shard did not answer in time (answered 503).</summary>
    internal const string Unavailable = "tracker cluster:";

    private static int Limit(string query)
    {
        if (TrackerQuery.TryParse(query, out var parameters, out _))
            foreach (var (name, value) in parameters)
                if (name == "limit" && int.TryParse(Encoding.ASCII.GetString(value), NumberStyles.None, CultureInfo.InvariantCulture, out var limit))
                    return Math.Clamp(limit, 0, 10_000);
        return 1000;
    }

    private static byte[] JsonError(int status, string message, bool keepAlive) => Response(status, Json, CatalogJson.Error(message), keepAlive);

    internal static byte[] Text(int status, string message, bool keepAlive) =>
        Response(status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(message + "\n"), keepAlive);

    internal static byte[] Response(int status, string contentType, byte[] body, bool keepAlive)
    {
        var head = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status} {Reason(status)}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n" +
            $"Connection: {(keepAlive ? "keep-alive" : "close")}\r\nCache-Control: no-store\r\n\r\n");
        var response = new byte[head.Length + body.Length];
        head.CopyTo(response, 0);
        body.CopyTo(response, head.Length);
        return response;
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        507 => "Insufficient Storage",
        _ => "Status",
    };
}
