using System.Diagnostics;
using Xunit.Abstractions;

namespace Engine.Tests.Interop;

/// <summary>
/// The stage of an interop test: a temp dir with a multi-file data set under <see cref="SeedDir"/> (odd sizes,
/// so no file ends on a piece boundary), its mktorrent .torrent and, when asked, a running opentracker that
/// allows it. <see cref="Mark"/> writes timestamped steps to the test output. Disposing stops the tracker and
/// deletes everything.
/// </summary>
public sealed class InteropSwarm : IAsyncDisposable
{
    /// <summary>The announce URL written into a torrent that has no tracker (nothing listens on port 1).</summary>
    public const string NoTrackerAnnounce = "http://127.0.0.1:1/announce";

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ITestOutputHelper _output;
    private OpenTracker? _tracker;

    private InteropSwarm(ITestOutputHelper output, TempDir tmp)
    {
        _output = output;
        Tmp = tmp;
    }

    public TempDir Tmp { get; }
    public string SeedDir => Path.Combine(Tmp, "seed");
    public TestDataSet Data { get; private set; } = null!;
    public TestTorrent Torrent { get; private set; } = null!;
    public OpenTracker Tracker => _tracker ?? throw new InvalidOperationException("this swarm was created without a tracker");

    /// <summary>
    /// <paramref name="bytes"/> of seeded random data (<paramref name="seed"/>) in <paramref name="fileCount"/>
    /// files at several depths, a torrent of <paramref name="pieceLength"/> pieces, and opentracker when
    /// <paramref name="withTracker"/>.
    /// </summary>
    public static async Task<InteropSwarm> CreateAsync(ITestOutputHelper output, string name, long bytes, int seed, int fileCount,
        int pieceLength, bool withTracker = true)
    {
        var swarm = new InteropSwarm(output, new TempDir(name));
        try
        {
            swarm.Data = TestData.CreateTree(swarm.Tmp.Sub("seed"), "payload", bytes, seed, fileCount);
            if (withTracker) swarm._tracker = await OpenTracker.StartAsync([]);
            swarm.Torrent = TorrentFactory.Create(swarm.Data.Root, swarm._tracker?.AnnounceUrl ?? NoTrackerAnnounce, pieceLength,
                Path.Combine(swarm.Tmp, "payload.torrent"));
            if (swarm._tracker is not null) await swarm._tracker.AllowAsync(swarm.Torrent.InfoHashHex);
            swarm.Mark($"data {swarm.Data.TotalBytes} B in {swarm.Data.Files.Count} files, torrent {swarm.Torrent.InfoHashHex}" +
                (swarm._tracker is null ? "" : $", tracker :{swarm._tracker.Port}"));
            return swarm;
        }
        catch
        {
            await swarm.DisposeAsync();
            throw;
        }
    }

    public void Mark(string what) => _output.WriteLine($"{_clock.Elapsed.TotalSeconds,6:0.00} s  {what}");

    public async ValueTask DisposeAsync()
    {
        if (_tracker is not null) await _tracker.DisposeAsync();
        Tmp.Dispose();
    }
}
