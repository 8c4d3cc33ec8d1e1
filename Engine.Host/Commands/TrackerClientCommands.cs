using System.CommandLine;
using System.Globalization;
using Engine.Host.Cli;
using System.Net.Http.Headers;
using System.Text.Json;
using Engine.Core.Primitives;

namespace Engine.Host.Commands;

/// <summary><c>tracker list|peers|publish</c>: reads our tracker's catalog and publishes .torrent files to it over HTTP.</summary>
internal static class TrackerClientCommands
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    /// <summary><c>list</c>, <c>peers &lt;info-hash&gt;</c>, <c>publish &lt;file.torrent&gt;</c>, each with <c>--tracker &lt;url&gt;</c>.</summary>
    public static IEnumerable<Command> Create(HostConsole console)
    {
        Option<string> Tracker() => new("--tracker", "-t") { Description = "the tracker (its announce or root URL, http or https)", HelpName = "url", Required = true };

        var listTracker = Tracker();
        var list = new Command("list", "list the tracker's catalog") { listTracker };
        list.SetAction((r, _) => RunAsync("list", r.GetValue(listTracker)!, null, console.Out));
        yield return list;

        var peersTracker = Tracker();
        var hash = new Argument<string>("info-hash") { Description = "40 hex digits" };
        var peers = new Command("peers", "list the peers of one torrent") { hash, peersTracker };
        peers.SetAction((r, _) => RunAsync("peers", r.GetValue(peersTracker)!, r.GetValue(hash), console.Out));
        yield return peers;

        var publishTracker = Tracker();
        var file = new Argument<string>("torrent") { Description = "the .torrent file to publish" };
        var token = Opt.Text("--token", "the tracker's publish token, when it does not allow our address", "secret");
        var publish = new Command("publish", "publish a .torrent file in the tracker's catalog") { file, publishTracker, token };
        publish.SetAction((r, _) => RunAsync("publish", r.GetValue(publishTracker)!, r.GetValue(file), console.Out, r.GetValue(token)));
        yield return publish;
    }

    public static async Task<int> RunAsync(string verb, string tracker, string? argument, TextWriter output, string? token = null)
    {
        var baseUri = BaseUri(tracker);
        using var http = new HttpClient { Timeout = RequestTimeout };
        try
        {
            return verb switch
            {
                "list" => await ListAsync(http, baseUri, output),
                "peers" => await PeersAsync(http, baseUri, argument!, output),
                _ => await PublishAsync(http, baseUri, argument!, token, output),
            };
        }
        catch (HttpRequestException e)
        {
            throw new CommandLineException($"cannot reach the tracker at {baseUri}: {e.Message}");
        }
        catch (TaskCanceledException)
        {
            throw new CommandLineException($"the tracker at {baseUri} did not answer within {RequestTimeout.TotalSeconds} s");
        }
        catch (JsonException e)
        {
            throw new CommandLineException($"the tracker at {baseUri} sent JSON this command does not understand: {e.Message}");
        }
    }

    /// <summary>The tracker's root URL from an announce URL or a root URL (<c>http://host:port[/announce]</c>).</summary>
    internal static Uri BaseUri(string tracker)
    {
        if (!Uri.TryCreate(tracker, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new CommandLineException($"--tracker: '{tracker}' is not an http(s) URL (the catalog is served over HTTP)");
        var path = uri.AbsolutePath;
        if (path.EndsWith("/announce", StringComparison.Ordinal)) path = path[..^"announce".Length];
        if (!path.EndsWith('/')) path += "/";
        return new UriBuilder(uri) { Path = path, Query = "", Fragment = "" }.Uri;
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, Uri uri)
    {
        using var response = await http.GetAsync(uri);
        var body = await response.Content.ReadAsStringAsync();
        var json = JsonDocument.Parse(body).RootElement.Clone();
        if (!response.IsSuccessStatusCode)
            throw new CommandLineException(json.TryGetProperty("error", out var error) ? error.GetString()! : $"the tracker answered {(int)response.StatusCode}");
        return json;
    }

    private static async Task<int> ListAsync(HttpClient http, Uri baseUri, TextWriter output)
    {
        var catalog = await GetJsonAsync(http, new Uri(baseUri, "catalog"));
        var rows = new List<string[]> { new[] { "NAME", "SIZE", "SEEDERS", "LEECHERS", "COMPLETED", "INFO-HASH" } };
        foreach (var t in catalog.GetProperty("torrents").EnumerateArray())
            rows.Add([
                t.GetProperty("name").GetString() ?? "(unpublished)",
                t.GetProperty("size").ValueKind == JsonValueKind.Number ? ShortSize(t.GetProperty("size").GetInt64()) : "-",
                t.GetProperty("seeders").GetInt32().ToString(CultureInfo.InvariantCulture),
                t.GetProperty("leechers").GetInt32().ToString(CultureInfo.InvariantCulture),
                t.GetProperty("completed").GetInt32().ToString(CultureInfo.InvariantCulture),
                t.GetProperty("infoHash").GetString()!,
            ]);
        WriteTable(rows, output);
        output.WriteLine($"{rows.Count - 1} torrent(s), {catalog.GetProperty("peerCount").GetInt32()} peer(s)");
        return 0;
    }

    private static async Task<int> PeersAsync(HttpClient http, Uri baseUri, string hex, TextWriter output)
    {
        if (!InfoHash.TryFromHex(hex, out var hash)) throw new CommandLineException($"'{hex}' is not a 40-digit hex info-hash");
        var json = await GetJsonAsync(http, new Uri(baseUri, $"catalog/{hash}/peers"));
        var name = json.GetProperty("name").GetString();
        output.WriteLine($"{hash}{(name is null ? "" : $"  {name}")}");
        var rows = new List<string[]> { new[] { "ADDRESS", "STATE", "LEFT", "UPLOADED", "DOWNLOADED", "CLIENT", "PEER-ID" } };
        foreach (var p in json.GetProperty("peers").EnumerateArray())
        {
            var ip = p.GetProperty("ip").GetString()!;
            rows.Add([
                (ip.Contains(':') ? $"[{ip}]" : ip) + ":" + p.GetProperty("port").GetInt32().ToString(CultureInfo.InvariantCulture),
                p.GetProperty("seeder").GetBoolean() ? "seeder" : "leecher",
                p.GetProperty("left") is { ValueKind: JsonValueKind.Number } left ? ShortSize(left.GetInt64()) : "?", // null: not known yet (a magnet client)
                ShortSize(p.GetProperty("uploaded").GetInt64()),
                ShortSize(p.GetProperty("downloaded").GetInt64()),
                p.GetProperty("client").GetString() ?? "?",
                p.GetProperty("peerId").GetString()!,
            ]);
        }
        WriteTable(rows, output);
        output.WriteLine($"{rows.Count - 1} peer(s)");
        return 0;
    }

    private static async Task<int> PublishAsync(HttpClient http, Uri baseUri, string path, string? token, TextWriter output)
    {
        byte[] file;
        try
        {
            file = await File.ReadAllBytesAsync(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new CommandLineException($"cannot read {path}: {e.Message}");
        }
        using var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-bittorrent");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, "publish")) { Content = content };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        if (!response.IsSuccessStatusCode)
            throw new CommandLineException($"the tracker refused {path}: {(json.TryGetProperty("error", out var e) ? e.GetString() : ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture))}");
        var already = json.GetProperty("alreadyPublished").GetBoolean();
        output.WriteLine($"{(already ? "already published" : "published")}: {json.GetProperty("name").GetString()}");
        output.WriteLine($"info-hash:  {json.GetProperty("infoHash").GetString()}");
        output.WriteLine($"size:       {ShortSize(json.GetProperty("size").GetInt64())}");
        output.WriteLine($"metainfo:   {new Uri(baseUri, $"torrents/{json.GetProperty("infoHash").GetString()}.torrent")}");
        return 0;
    }

    private static void WriteTable(List<string[]> rows, TextWriter output)
    {
        var widths = new int[rows[0].Length];
        foreach (var row in rows)
            for (var c = 0; c < row.Length; c++) widths[c] = Math.Max(widths[c], row[c].Length);
        foreach (var row in rows)
            output.WriteLine(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd());
    }

    internal static string ShortSize(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : $"{value.ToString("0.#", CultureInfo.InvariantCulture)} {units[unit]}";
    }
}
