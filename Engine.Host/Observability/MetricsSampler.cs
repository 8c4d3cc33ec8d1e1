using Engine.Api;

namespace Engine.Host.Observability;

/// <summary>Samples the torrents' status for <see cref="TorrentMetrics"/> every <see cref="Interval"/> while the web host runs.</summary>
public sealed class MetricsSampler(TorrentEngine engine, TorrentMetrics metrics, ILogger<MetricsSampler> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try { await metrics.Sample(engine).ConfigureAwait(false); }
            catch (TorrentEngineException e) { log.LogDebug("metrics sample skipped: {Reason}", e.Message); }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
