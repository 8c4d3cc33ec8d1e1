using Engine.Core.Metainfo;
using Engine.Metainfo;

namespace Engine.Host.Commands;

/// <summary>
/// What <c>download</c> (or <c>seed</c>) was given: a .torrent file or the http(s) URL of one (read before anything starts,
/// so a bad one is one line), or a magnet link.
/// </summary>
public sealed record TorrentSource(string Text, TorrentMetainfo? Metainfo, MagnetLink? Magnet)
{
    /// <summary>The torrent's name as far as it is known (a magnet's <c>dn</c>, else its info-hash, until the metadata arrives).</summary>
    public string Name => Metainfo?.Name ?? Magnet?.DisplayName ?? Magnet!.InfoHash.ToHex();

    /// <summary>Largest .torrent fetched from a URL (the biggest real ones are a few MiB).</summary>
    public const int MaxDownloadedTorrent = 32 * 1024 * 1024;

    public static async Task<TorrentSource> ResolveAsync(string text, CancellationToken ct = default)
    {
        if (IsUrl(text)) return new TorrentSource(text, await FetchAsync(text, ct), null);
        return Resolve(text);
    }

    public static bool IsUrl(string text) =>
        text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    public static TorrentSource Resolve(string text)
    {
        if (text.StartsWith("magnet:", StringComparison.OrdinalIgnoreCase))
        {
            try { return new TorrentSource(text, null, MagnetLink.Parse(text)); }
            catch (MagnetException e) { throw new CommandLineException($"not a usable magnet link: {e.Message}"); }
        }
        return new TorrentSource(text, Load(text), null);
    }

    /// <summary>Reads a .torrent file; a directory, a missing file or a bad torrent is a one-line error.</summary>
    public static TorrentMetainfo Load(string path)
    {
        if (Directory.Exists(path))
            throw new CommandLineException($"{path}: is a directory; give a .torrent file or a magnet link (to make a torrent of a directory: create)");
        if (!File.Exists(path))
            throw new CommandLineException($"{path}: no such file; give a .torrent file or a magnet link (quote it: 'magnet:?xt=...')");
        try { return TorrentMetainfo.Load(path); }
        catch (MetainfoException e) { throw new CommandLineException(e.Message.Contains(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}"); }
        catch (UnauthorizedAccessException) { throw new CommandLineException($"{path}: permission denied reading the file"); }
        catch (IOException e) { throw new CommandLineException($"{path}: {e.Message}"); }
    }

    /// <summary>Downloads a .torrent (30 s, at most <see cref="MaxDownloadedTorrent"/> bytes) and parses it; any failure is one line naming the URL.</summary>
    public static async Task<TorrentMetainfo> FetchAsync(string url, CancellationToken ct = default)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) throw new CommandLineException($"{url}: not a URL");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        byte[] bytes;
        try
        {
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
                throw new CommandLineException($"{url}: the server answered {(int)response.StatusCode} {response.ReasonPhrase}");
            if (response.Content.Headers.ContentLength > MaxDownloadedTorrent)
                throw new CommandLineException($"{url}: {response.Content.Headers.ContentLength} bytes is too big for a .torrent (at most {MaxDownloadedTorrent})");
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            using var copy = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                if (copy.Length + read > MaxDownloadedTorrent) throw new CommandLineException($"{url}: more than {MaxDownloadedTorrent} bytes is too big for a .torrent");
                copy.Write(buffer, 0, read);
            }
            bytes = copy.ToArray();
        }
        catch (HttpRequestException e) { throw new CommandLineException($"{url}: {e.Message}"); }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { throw new CommandLineException($"{url}: no answer within 30 s"); }
        try { return TorrentMetainfo.Parse(bytes); }
        catch (MetainfoException e) { throw new CommandLineException($"{url}: not a usable .torrent: {e.Message}"); }
    }
}
