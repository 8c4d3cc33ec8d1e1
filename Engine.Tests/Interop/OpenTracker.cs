using System.Net.Sockets;
using System.Text;

namespace Engine.Tests.Interop;

/// <summary>Swarm counts from a tracker scrape.</summary>
public sealed record ScrapeResult(long Complete, long Incomplete, long Downloaded);

/// <summary>
/// Debian's opentracker on 127.0.0.1:&lt;random port&gt;, HTTP and UDP on the same port. The Debian build only serves
/// whitelisted info-hashes (<c>access.whitelist</c>); <see cref="AllowAsync"/> appends to the list and sends SIGHUP,
/// which makes opentracker reload it. As root it chroots into its temp dir and drops to user <c>nobody</c>.
/// </summary>
public sealed class OpenTracker : IAsyncDisposable, IDisposable
{
    // opentracker may close a kept-alive connection right after answering: one connection per request.
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5), DefaultRequestHeaders = { ConnectionClose = true } };

    private readonly TempDir _dir;
    private readonly ExternalProcess _process;
    private readonly List<string> _whitelist;
    private readonly SemaphoreSlim _whitelistGate = new(1, 1);

    private OpenTracker(TempDir dir, ExternalProcess process, int port, List<string> whitelist)
    {
        _dir = dir;
        _process = process;
        Port = port;
        _whitelist = whitelist;
    }

    public int Port { get; }
    public string AnnounceUrl => $"http://127.0.0.1:{Port}/announce";
    public string ScrapeUrl => $"http://127.0.0.1:{Port}/scrape";
    public string UdpAnnounceUrl => $"udp://127.0.0.1:{Port}/announce";
    public ExternalProcess Process => _process;

    /// <summary>Starts a tracker that serves the given info-hashes (40 hex digits each); ready when it accepts TCP.</summary>
    public static async Task<OpenTracker> StartAsync(IEnumerable<string> infoHashesHex, TimeSpan? timeout = null)
    {
        var program = RequiredPrograms.OpenTracker;
        var hashes = infoHashesHex.Select(Normalize).Distinct().ToList();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        Exception? last = null;
        for (var attempt = 0; attempt < 3 && DateTime.UtcNow < deadline; attempt++)
        {
            var dir = new TempDir("opentracker");
            var port = PortAllocator.Next();
            WriteWhitelist(dir, [ReadySentinel, .. hashes]);
            var config = new StringBuilder()
                .Append("listen.tcp_udp 127.0.0.1:").Append(port).Append('\n')
                // Relative to tracker.rootdir: opentracker chroots there before reading the list.
                .Append("access.whitelist whitelist.txt\n")
                .Append("tracker.rootdir ").Append(dir.FullPath).Append('\n')
                .Append("tracker.user nobody\n")
                .ToString();
            await File.WriteAllTextAsync(Path.Combine(dir, "opentracker.conf"), config).ConfigureAwait(false);
            var process = ExternalProcess.Start(new ProcessSpec(program, ["-f", Path.Combine(dir, "opentracker.conf")])
            {
                Name = $"opentracker:{port}",
                WorkingDirectory = dir,
            });
            var tracker = new OpenTracker(dir, process, port, [.. hashes]);
            try
            {
                await tracker.WaitUntilListeningAsync(deadline).ConfigureAwait(false);
                await tracker.WaitUntilWhitelistReadAsync(deadline).ConfigureAwait(false);
                return tracker;
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                last = e;
                await tracker.DisposeAsync().ConfigureAwait(false);
            }
        }
        throw new InvalidOperationException("opentracker did not start: " + last?.Message, last);
    }

    /// <summary>Adds info-hashes to the whitelist, signals opentracker to reload it and waits until it serves them.</summary>
    public async Task AllowAsync(params string[] infoHashesHex)
    {
        await _whitelistGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _whitelist.AddRange(infoHashesHex.Select(Normalize).Where(h => !_whitelist.Contains(h)));
            WriteWhitelist(_dir, [ReadySentinel, .. _whitelist]);
            await _process.SignalAsync(ExternalProcess.SigHup).ConfigureAwait(false);
        }
        finally { _whitelistGate.Release(); }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        foreach (var hash in infoHashesHex.Select(Normalize))
        {
            while (!await IsServedAsync(hash).ConfigureAwait(false))
            {
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"opentracker did not start serving {hash} within 10 s of SIGHUP.\n{_process.Describe()}");
                await Task.Delay(50).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// True when the tracker accepts announces for the hash. opentracker answers event=stopped even for hashes it does
    /// not serve, so this announces a probe leecher (127.0.0.1:1) and, when accepted, removes it again with
    /// event=stopped before returning. Call it (and <see cref="AllowAsync"/>) while no client waits on swarm counts.
    /// </summary>
    public async Task<bool> IsServedAsync(string infoHashHex)
    {
        var url = $"{AnnounceUrl}?info_hash={UrlEncode(Normalize(infoHashHex))}&peer_id=-HN0001-probeprobepr&port=1" +
                  "&uploaded=0&downloaded=0&left=1&compact=1&numwant=0";
        var body = await GetAsync(url).ConfigureAwait(false);
        var served = MiniBencode.Parse(body) is BDictionary d && d["failure reason"] is null;
        if (served) await GetAsync(url + "&event=stopped").ConfigureAwait(false);
        return served;
    }

    /// <summary>Scrapes one info-hash (zeros when the swarm is empty or the hash is not served).</summary>
    public async Task<ScrapeResult> ScrapeAsync(string infoHashHex)
    {
        var hex = Normalize(infoHashHex);
        var body = await GetAsync($"{ScrapeUrl}?info_hash={UrlEncode(hex)}").ConfigureAwait(false);
        if (MiniBencode.Parse(body) is not BDictionary root || root["files"] is not BDictionary files)
            throw new FormatException("unexpected scrape reply: " + Encoding.Latin1.GetString(body));
        if (files[MiniBencode.Key(Convert.FromHexString(hex))] is not BDictionary entry) return new ScrapeResult(0, 0, 0);
        static long Get(BDictionary d, string key) => (d[key] as BInteger)?.Value ?? 0;
        return new ScrapeResult(Get(entry, "complete"), Get(entry, "incomplete"), Get(entry, "downloaded"));
    }

    /// <summary>Polls scrape until the swarm has at least the given numbers of seeders and leechers (peers that announced).</summary>
    public async Task<ScrapeResult> WaitForSwarmAsync(string infoHashHex, int seeders, int leechers, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var s = await ScrapeAsync(infoHashHex).ConfigureAwait(false);
            if (s.Complete >= seeders && s.Incomplete >= leechers) return s;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"tracker swarm for {infoHashHex} did not reach {seeders} seeder(s) and {leechers} leecher(s) " +
                                           $"within {timeout.TotalSeconds:0.#} s (last scrape: {s})");
            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _process.Dispose();
        _dir.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync().ConfigureAwait(false);
        _dir.Dispose();
    }

    /// <summary>
    /// opentracker opens its sockets while reading its config, before it reads the whitelist and before it handles
    /// SIGHUP (whose default action ends the process: CI saw a tracker refuse connections after an early reload).
    /// The whitelist always holds this hash, so the tracker is ready once it serves it.
    /// </summary>
    private const string ReadySentinel = "feedfacefeedfacefeedfacefeedfacefeedface";

    private async Task WaitUntilWhitelistReadAsync(DateTime deadline)
    {
        while (true)
        {
            try
            {
                if (await IsServedAsync(ReadySentinel).ConfigureAwait(false)) return;
            }
            catch (HttpRequestException) when (!_process.HasExited && DateTime.UtcNow < deadline)
            {
                // not answering yet: try again
            }
            catch (HttpRequestException e)
            {
                throw new InvalidOperationException($"opentracker stopped answering during start-up: {e.Message}\n{_process.Describe()}", e);
            }
            if (_process.HasExited)
                throw new InvalidOperationException($"opentracker exited during start-up.\n{_process.Describe()}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"opentracker did not read its whitelist in time.\n{_process.Describe()}");
            await Task.Delay(25).ConfigureAwait(false);
        }
    }

    private async Task WaitUntilListeningAsync(DateTime deadline)
    {
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"opentracker exited during start-up.\n{_process.Describe()}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, Port).ConfigureAwait(false);
                return;
            }
            catch (SocketException) { }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"opentracker did not listen on 127.0.0.1:{Port} in time.\n{_process.Describe()}");
            await Task.Delay(25).ConfigureAwait(false);
        }
    }

    private static async Task<byte[]> GetAsync(string url)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await Http.GetByteArrayAsync(url).ConfigureAwait(false);
            }
            catch (HttpRequestException) when (attempt < 3)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }
    }

    private static void WriteWhitelist(string dir, IEnumerable<string> hashes)
    {
        // Write-then-rename so a reload never sees a half-written file; 0644 so user nobody can read it.
        var path = Path.Combine(dir, "whitelist.txt");
        var tmp = path + ".new";
        File.WriteAllText(tmp, string.Concat(hashes.Select(h => h + "\n")));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Move(tmp, path, overwrite: true);
    }

    private static string Normalize(string hex)
    {
        if (hex.Length != 40 || !hex.All(Uri.IsHexDigit))
            throw new ArgumentException($"'{hex}' is not a 40-digit hex info-hash", nameof(hex));
        return hex.ToLowerInvariant();
    }

    private static string UrlEncode(string hex)
    {
        var sb = new StringBuilder(60);
        for (var i = 0; i < hex.Length; i += 2) sb.Append('%').Append(hex, i, 2);
        return sb.ToString();
    }
}
