using System.Text.Json;
using Engine.Tests.Interop;
using Engine.Tests.Support;

namespace Engine.Tests.Dht;

/// <summary>
/// A private DHT of python3-libtorrent sessions on loopback addresses (Dht/Scripts/libtorrent_dht.py): session i on
/// <c>127.0.0.(first+i):port</c>, joined through each other and the given bootstrap nodes; session 0 may seed a torrent
/// (announced through the DHT only) or download an info-hash given nothing else.
/// </summary>
internal sealed class LibtorrentDht : IAsyncDisposable
{
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ExternalProcess _process = null!;

    private LibtorrentDht() { }

    /// <summary>The sessions' DHT endpoints, "127.0.0.2:port".</summary>
    public IReadOnlyList<string> Nodes { get; private set; } = [];

    /// <summary>Incoming DHT announces the sessions saw (libtorrent's dht_announce_alert).</summary>
    public int AnnouncesSeen;

    public string Log => _process.Describe();

    public static async Task<LibtorrentDht> StartAsync(int port, int nodes = 3, string firstAddress = "127.0.0.2", IEnumerable<string>? bootstrap = null,
        string? seedTorrent = null, string? leechInfoHash = null, string? dataDirectory = null, string? netNamespace = null)
    {
        _ = RequiredPrograms.LibtorrentVersion; // fails with the apt-get hint when libtorrent is missing
        var args = new List<string> { ScriptPath, "--nodes", nodes.ToString(), "--first-address", firstAddress, "--port", port.ToString() };
        foreach (var b in bootstrap ?? []) args.AddRange(["--bootstrap", b]);
        if (seedTorrent is not null) args.AddRange(["--seed", seedTorrent, "--data", dataDirectory!]);
        if (leechInfoHash is not null) args.AddRange(["--leech", leechInfoHash, "--data", dataDirectory!]);
        var dht = new LibtorrentDht();
        dht._process = ExternalProcess.Start(new ProcessSpec("/usr/bin/python3", args) { Name = "libtorrent-dht", MaxLifetime = TimeSpan.FromMinutes(5), NetNamespace = netNamespace }, dht.OnLine);
        await dht.WaitAsync(dht._listening.Task, "listening", TimeSpan.FromSeconds(30));
        return dht;
    }

    public Task WaitForDownloadAsync(TimeSpan timeout) => WaitAsync(_finished.Task, "the download", timeout);

    private async Task WaitAsync(Task task, string what, TimeSpan timeout)
    {
        var done = await Task.WhenAny(task, _process.Exited, Task.Delay(timeout));
        if (done == task) return;
        throw new TimeoutException($"libtorrent's DHT sessions: no {what} within {timeout.TotalSeconds:F0} s" +
                                   (_process.HasExited ? $" (exited with {_process.Exited.Result})" : "") + "\n" + Log);
    }

    private void OnLine(string line)
    {
        if (!line.StartsWith('{')) return;
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            switch (root.GetProperty("type").GetString())
            {
                case "event" when root.GetProperty("event").GetString() == "listening":
                    Nodes = root.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()!).ToList();
                    _listening.TrySetResult();
                    break;
                case "event" when root.GetProperty("event").GetString() == "finished":
                    _finished.TrySetResult();
                    break;
                case "alert" when root.GetProperty("what").GetString() == "dht_announce_alert":
                    Interlocked.Increment(ref AnnouncesSeen);
                    break;
            }
        }
        catch (JsonException) { }
        catch (KeyNotFoundException) { }
        catch (InvalidOperationException) { }
    }

    private static string ScriptPath
    {
        get
        {
            var beside = Path.Combine(AppContext.BaseDirectory, "Dht", "Scripts", "libtorrent_dht.py");
            return File.Exists(beside) ? beside : Path.Combine(RepoPaths.Root, "Engine.Tests", "Dht", "Scripts", "libtorrent_dht.py");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.StopAsync(TimeSpan.FromSeconds(5));
        await _process.DisposeAsync();
    }
}
