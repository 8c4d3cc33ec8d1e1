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

    private readonly Meter _meter = new(MeterName);
    private ImmutableList<TorrentSnapshot> _last = [];

    public TorrentMetrics()
    {
        Gauge("torrent.download.rate", "By/s", "payload bytes per second received", s => s.DownloadRate);
        Gauge("torrent.upload.rate", "By/s", "payload bytes per second sent", s => s.UploadRate);
        Gauge("torrent.peers.connected", "{peer}", "connected peers", s => s.Peers);
        Gauge("torrent.peers.known", "{peer}", "peer addresses known (trackers, peers given, ...)", s => s.KnownPeers);
        Gauge("torrent.pieces.verified", "{piece}", "pieces verified", s => s.VerifiedPieces);
        Gauge("torrent.pieces.total", "{piece}", "pieces of the torrent", s => s.PieceCount);
        Gauge("torrent.progress", "1", "verified fraction, 0..1", s => s.Progress);
        _meter.CreateObservableCounter("torrent.downloaded", () => Each(s => s.Downloaded), "By", "payload bytes received since the torrent was added");
        _meter.CreateObservableCounter("torrent.uploaded", () => Each(s => s.Uploaded), "By", "payload bytes sent since the torrent was added");
        _meter.CreateObservableCounter("torrent.hash_failures", () => Each(s => (long)s.HashFailures), "{piece}", "pieces that failed their hash check");
        _meter.CreateObservableGauge("torrents.by_state", ByState, "{torrent}", "torrents in each state");
    }

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

    private void Gauge(string name, string unit, string description, Func<TorrentSnapshot, double> value) =>
        _meter.CreateObservableGauge(name, () => Each(value), unit, description);

    private IEnumerable<Measurement<T>> Each<T>(Func<TorrentSnapshot, T> value) where T : struct
    {
        foreach (var s in _last)
            yield return new Measurement<T>(value(s), new("torrent", s.Name), new("infohash", s.InfoHash.ToHex()));
    }

    private IEnumerable<Measurement<int>> ByState()
    {
        foreach (var state in Enum.GetValues<TorrentState>())
            yield return new Measurement<int>(_last.Count(s => s.State == state), new KeyValuePair<string, object?>("state", state.ToString()));
    }

    public void Dispose() => _meter.Dispose();
}
