using System.Net.Http.Headers;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;

namespace Engine.Sharing;

/// <summary>Talks to our tracker's catalog over HTTP: <c>GET /catalog</c>, <c>GET /torrents/&lt;hash&gt;.torrent</c>, <c>POST /publish</c>. Failures are <see cref="ShareException"/>s.</summary>
public sealed class TrackerCatalogClient(HttpClient http, Uri baseUri, TimeSpan timeout)
{
    private const int MaxCatalogBytes = 16 * 1024 * 1024;

    public Uri BaseUri { get; } = baseUri;

    /// <summary>The tracker's publish token (<c>TrackerOptions.PublishToken</c>), sent with publishes; null: none.</summary>
    public string? PublishToken { get; init; }

    /// <summary>The tracker's root from an announce URL or a root URL (<c>http://host:port[/announce]</c>); null when it is not http(s).</summary>
    public static Uri? BaseUriFor(string trackerUrl)
    {
        if (!Uri.TryCreate(trackerUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return null;
        var path = uri.AbsolutePath;
        if (path.EndsWith("/announce", StringComparison.Ordinal)) path = path[..^"announce".Length];
        if (!path.EndsWith('/')) path += "/";
        return new UriBuilder(uri) { Path = path, Query = "", Fragment = "" }.Uri;
    }

    /// <summary>The announce URL for a tracker given by its root or announce URL.</summary>
    public static string AnnounceUrlFor(string trackerUrl)
    {
        if (!Uri.TryCreate(trackerUrl, UriKind.Absolute, out var uri)) return trackerUrl;
        return uri.Scheme is "http" or "https" && uri.AbsolutePath is "" or "/" ? new Uri(uri, "/announce").ToString() : trackerUrl;
    }

    public async Task<IReadOnlyList<CatalogItem>> GetCatalogAsync(CancellationToken ct = default)
    {
        var body = await SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUri, "catalog")), MaxCatalogBytes, "read the catalog", ct).ConfigureAwait(false);
        try { return CatalogReader.ReadCatalog(body); }
        catch (FormatException e) { throw new ShareException($"the tracker at {BaseUri} sent a catalog we cannot read: {e.Message}", e); }
    }

    public Task<byte[]> GetTorrentFileAsync(InfoHash infoHash, CancellationToken ct = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUri, $"torrents/{infoHash.ToHex()}.torrent")),
            TorrentMetainfo.MaxFileSize, $"get the .torrent of {infoHash}", ct);

    /// <summary>Publishes a .torrent file; true when it was new, false when the tracker already had it.</summary>
    public async Task<bool> PublishAsync(byte[] torrentFile, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUri, "publish")) { Content = new ByteArrayContent(torrentFile) };
        if (PublishToken is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PublishToken);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-bittorrent");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var response = await http.SendAsync(request, cts.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cts.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode) return (int)response.StatusCode == 201;
            throw new ShareException($"the tracker at {BaseUri} refused to publish: {CatalogReader.ReadError(body) ?? $"HTTP {(int)response.StatusCode}"}");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            throw Unreachable("publish", e);
        }
    }

    private async Task<byte[]> SendAsync(HttpRequestMessage message, int maxBytes, string what, CancellationToken ct)
    {
        using var request = message;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            await using var stream = await response.Content.ReadAsStreamAsync(cts.Token).ConfigureAwait(false);
            using var ms = new MemoryStream();
            var buffer = new byte[64 * 1024];
            int n;
            while ((n = await stream.ReadAsync(buffer, cts.Token).ConfigureAwait(false)) > 0)
            {
                if (ms.Length + n > maxBytes) throw new ShareException($"cannot {what}: the tracker's answer is larger than {maxBytes} bytes");
                ms.Write(buffer, 0, n);
            }
            var body = ms.ToArray();
            if (!response.IsSuccessStatusCode)
                throw new ShareException($"cannot {what}: {CatalogReader.ReadError(body) ?? $"the tracker at {BaseUri} answered HTTP {(int)response.StatusCode}"}");
            return body;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            throw Unreachable(what, e);
        }
    }

    private ShareException Unreachable(string what, Exception e) =>
        new(e is OperationCanceledException
            ? $"cannot {what}: the tracker at {BaseUri} did not answer within {timeout.TotalSeconds:0.#} s"
            : $"cannot {what}: the tracker at {BaseUri} is unreachable ({e.Message})", e);
}
