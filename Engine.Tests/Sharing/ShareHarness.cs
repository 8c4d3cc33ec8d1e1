using System.Net;
using Engine.Api;
using Engine.Sharing;
using Engine.TrackerServer;

namespace Engine.Tests.Sharing;

using TrackerServer = global::Engine.TrackerServer.TrackerServer;

/// <summary>Our tracker (HTTP + UDP on 127.0.0.1) and shared directories in temp folders, with bounded waits on share events.</summary>
internal sealed class ShareHarness : IAsyncDisposable
{
    private readonly List<string> _dirs = new();
    private readonly List<SharedDirectory> _shares = new();

    private ShareHarness(TrackerServer tracker) => Tracker = tracker;

    public TrackerServer Tracker { get; }

    public static async Task<ShareHarness> StartAsync()
    {
        var tracker = new TrackerServer(new TrackerOptions { Interval = TimeSpan.FromSeconds(2), MinInterval = TimeSpan.Zero });
        await tracker.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), new IPEndPoint(IPAddress.Loopback, 0));
        return new ShareHarness(tracker);
    }

    public string NewDirectory(string name)
    {
        var dir = Directory.CreateTempSubdirectory("share-" + name + "-").FullName;
        _dirs.Add(dir);
        return dir;
    }

    public ShareOptions Options(string directory) => new()
    {
        Directory = directory,
        Trackers = [Tracker.UdpAnnounceUrl!, Tracker.HttpAnnounceUrl!], // UDP first: announces go over UDP, the catalog over HTTP
        QuietPeriod = TimeSpan.FromMilliseconds(300),
        ScanInterval = TimeSpan.FromSeconds(2),
        FollowInterval = TimeSpan.FromMilliseconds(300),
        ProgressInterval = TimeSpan.FromMilliseconds(200),
        PieceLength = 64 * 1024,
    };

    public static TorrentEngineOptions EngineOptions(long? uploadLimit = null) => new()
    {
        ListenOn = new IPEndPoint(IPAddress.Loopback, 0),
        UploadLimit = uploadLimit,
        Dht = false,
        Lsd = false,
        Tunables = new()
        {
            TrackerMinimumInterval = TimeSpan.FromSeconds(1),
            TrackerRetryBase = TimeSpan.FromMilliseconds(300),
            TrackerRetryMax = TimeSpan.FromSeconds(2),
            UdpTrackerRetransmitBase = TimeSpan.FromMilliseconds(500),
            RedialInterval = TimeSpan.FromSeconds(1),
            RedialBackoff = TimeSpan.FromSeconds(1),
        },
    };

    public async Task<SharedDirectory> StartShareAsync(ShareOptions options, long? uploadLimit = null)
    {
        var share = await SharedDirectory.StartAsync(options, EngineOptions(uploadLimit));
        _shares.Add(share);
        return share;
    }

    /// <summary>Stops a share early (e.g. to restart it on the same directory).</summary>
    public async Task StopShareAsync(SharedDirectory share)
    {
        _shares.Remove(share);
        await share.DisposeAsync();
    }

    /// <summary>Reads events until one matches; fails with every event seen when none does in time.</summary>
    public static async Task<T> WaitForAsync<T>(SharedDirectory share, Func<T, bool> match, TimeSpan timeout) where T : ShareEvent
    {
        var seen = new List<ShareEvent>();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var e = await share.Events.ReadAsync(cts.Token);
                seen.Add(e);
                if (e is T t && match(t)) return t;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no {typeof(T).Name} matching within {timeout.TotalSeconds:0.#} s in {share.Directory}; events seen:\n  " +
                                       string.Join("\n  ", seen));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var share in _shares) await share.DisposeAsync();
        await Tracker.DisposeAsync();
        foreach (var dir in _dirs)
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
