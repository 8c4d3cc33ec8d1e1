using Engine.Api;
using OpenTelemetry.Metrics;

namespace Engine.Host.Observability;

/// <summary>
/// What the web host adds for operators: OpenTelemetry metrics of the engine (<see cref="TorrentEngine.MeterName"/>:
/// disk queue, connections, torrents) and of each torrent (<see cref="TorrentMetrics"/>: rates, peers, pieces) plus
/// ASP.NET Core's own, served in Prometheus' text format at <c>/metrics</c>; a health check at <c>/healthz</c>
/// (<see cref="EngineHealthCheck"/>). Logs go through <c>ILogger</c> (the engine's Akka logging is routed there too).
/// </summary>
public static class WebObservability
{
    public const string MetricsPath = "/metrics";
    public const string HealthPath = "/healthz";

    public static void AddTo(IServiceCollection services)
    {
        services.AddSingleton<TorrentMetrics>();
        services.AddHostedService<MetricsSampler>();
        services.AddHealthChecks().AddCheck<EngineHealthCheck>("engine");
        services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(TorrentEngine.MeterName, TorrentMetrics.MeterName)
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter());
    }

    public static void Map(WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        app.MapHealthChecks(HealthPath).AllowAnonymous(); // a load balancer's probe has no password
    }
}
