using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using Engine.Api;
using Engine.Events;

namespace Engine.Host.Observability;

/// <summary>
/// Per-torrent instruments on the <see cref="MeterName"/> meter, read from the public status API: the gauges read the
/// last snapshots <see cref="Sample"/> took (the web host samples every few seconds), so a scrape never waits for the
/// engine. Tags: <c>torrent</c> (the name) and <c>infohash</c>. Also the torrents by state. DHT figures join these when
/// the DHT lands.
/// </summary>
public sealed class TorrentMetrics : IDisposable
{
    public const string MeterName = "Engine.Host";

    // One meter and one set of instruments per process (several hosts in one process — tests — would otherwise register
    // the same instruments twice under one meter name, which exporters treat as a conflict); the instances register.
    private static readonly Meter Meter = new(MeterName);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<TorrentMetrics, byte> Live = new();
    private ImmutableList<TorrentSnapshot> _last = [];

    static TorrentMetrics()
    {
        Gauge("torrent.download.rate", "By/s", "payload bytes per second received", s => s.DownloadRate);
        Gauge("torrent.upload.rate", "By/s", "payload bytes per second sent", s => s.UploadRate);
        Gauge("torrent.peers.connected", "{peer}", "connected peers", s => s.Peers);
        Gauge("torrent.peers.known", "{peer}", "peer addresses known (trackers, peers given, ...)", s => s.KnownPeers);
        Gauge("torrent.pieces.verified", "{piece}", "pieces verified", s => s.VerifiedPieces);
        Gauge("torrent.pieces.total", "{piece}", "pieces of the torrent", s => s.PieceCount);
        Gauge("torrent.progress", "1", "verified fraction, 0..1", s => s.Progress);
        Meter.CreateObservableCounter("torrent.downloaded", () => Each(s => s.Downloaded), "By", "payload bytes received since the torrent was added");
        Meter.CreateObservableCounter("torrent.uploaded", () => Each(s => s.Uploaded), "By", "payload bytes sent since the torrent was added");
        Meter.CreateObservableCounter("torrent.hash_failures", () => Each(s => (long)s.HashFailures), "{piece}", "pieces that failed their hash check");
        Meter.CreateObservableGauge("torrents.by_state", ByState, "{torrent}", "torrents in each state");
    }

    public TorrentMetrics() => Live[this] = 0;

    /// <summary>Reads every torrent's status once (a torrent removed meanwhile is left out).</summary>
    public async Task Sample(TorrentEngine engine)
    {
        var list = ImmutableList.CreateBuilder<TorrentSnapshot>();
        foreach (var t in engine.Torrents)
        {
            try { list.Add(await t.GetStatusAsync().ConfigureAwait(false)); }
            catch (TorrentRemovedException) { }
            catch (EngineStoppedException) { return; }
        }
        _last = list.ToImmutable();
    }

    /// <summary>The snapshots of the last sample.</summary>
    public IReadOnlyList<TorrentSnapshot> Last => _last;

    private static void Gauge(string name, string unit, string description, Func<TorrentSnapshot, double> value) =>
        Meter.CreateObservableGauge(name, () => Each(value), unit, description);

    private static IEnumerable<TorrentSnapshot> All => Live.Keys.SelectMany(m => m._last);

    private static IEnumerable<Measurement<T>> Each<T>(Func<TorrentSnapshot, T> value) where T : struct
    {
        foreach (var s in All)
            yield return new Measurement<T>(value(s), new("torrent", s.Name), new("infohash", s.InfoHash.ToHex()));
    }

    private static IEnumerable<Measurement<int>> ByState()
    {
        var all = All.ToList();
        foreach (var state in Enum.GetValues<TorrentState>())
            yield return new Measurement<int>(all.Count(s => s.State == state), new KeyValuePair<string, object?>("state", state.ToString()));
    }

    public void Dispose() => Live.TryRemove(this, out _);
}
