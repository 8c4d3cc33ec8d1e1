using Engine.Core.Trackers;

namespace Engine.Trackers;

internal sealed partial class TrackerClient
{
    private async Task<AnnounceResponse> HttpAnnounce(string url, AnnounceRequest request, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var body = await HttpGet(HttpTrackerCodec.BuildAnnounceUri(url, request), cts.Token).ConfigureAwait(false);
        return HttpTrackerCodec.ParseAnnounceResponse(body);
    }

    private async Task<ScrapeResponse> HttpScrape(string url)
    {
        var uri = HttpTrackerCodec.BuildScrapeUri(url, new[] { _infoHash })
                  ?? throw new TrackerException($"'{url}' has no scrape URL (its last path segment does not start with 'announce')");
        using var cts = new CancellationTokenSource(_settings.RequestTimeout);
        return HttpTrackerCodec.ParseScrapeResponse(await HttpGet(uri, cts.Token).ConfigureAwait(false));
    }

    private async Task<byte[]> HttpGet(Uri uri, CancellationToken ct)
    {
        // One request per connection: announces are minutes apart, and some trackers (opentracker) reset a
        // connection that is reused, which would turn every second announce into an error.
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.ConnectionClose = true;
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new TrackerException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var ms = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int n;
        while ((n = await stream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            if (ms.Length + n > _settings.MaxResponseBytes) throw new TrackerException($"response larger than {_settings.MaxResponseBytes} bytes");
            ms.Write(buffer, 0, n);
        }
        return ms.ToArray();
    }

    private static string Describe(Exception e)
    {
        var inner = e.GetBaseException();
        return inner switch
        {
            TaskCanceledException or OperationCanceledException => "timed out",
            HttpRequestException h => h.Message,
            _ => inner.Message,
        };
    }
}
