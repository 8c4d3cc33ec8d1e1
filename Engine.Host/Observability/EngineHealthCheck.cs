using Engine.Api;
using Engine.Events;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Engine.Host.Observability;

/// <summary>
/// <c>/healthz</c>: healthy while the engine answers (a status query of its torrents within the engine's 5 s bound) and
/// listens where it was asked to; degraded when a torrent is in error (named); unhealthy when the engine stopped or does
/// not answer.
/// </summary>
public sealed class EngineHealthCheck(TorrentEngine engine) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failed = new List<string>();
        try
        {
            foreach (var t in engine.Torrents)
            {
                try
                {
                    var s = await t.GetStatusAsync().ConfigureAwait(false);
                    if (s.State == TorrentState.Error) failed.Add($"{s.Name}: {s.Error}");
                }
                catch (TorrentRemovedException) { }
            }
        }
        catch (EngineStoppedException) { return HealthCheckResult.Unhealthy("the engine is stopped"); }
        catch (EngineTimeoutException e) { return HealthCheckResult.Unhealthy(e.Message); }
        var data = new Dictionary<string, object>
        {
            ["torrents"] = engine.Torrents.Count,
            ["listening"] = engine.ListenEndPoint?.ToString() ?? "no",
        };
        return failed.Count == 0
            ? HealthCheckResult.Healthy($"{engine.Torrents.Count} torrent(s)", data)
            : HealthCheckResult.Degraded($"{failed.Count} torrent(s) in error: {string.Join("; ", failed)}", data: data);
    }
}
