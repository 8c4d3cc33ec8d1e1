using Engine.Api;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Engine.Hosting;

/// <summary>
/// The hosted service behind <c>services.AddTorrentEngine(...)</c>: owns one <see cref="TorrentEngine"/> (in its
/// own ActorSystem, Akka's logging routed to the app's <see cref="ILoggerFactory"/>), created on first use or at host
/// start, and stopped — bounded by <see cref="TorrentEngine.StopBound"/> — when the host stops.
/// </summary>
internal sealed class TorrentEngineService(TorrentEngineOptions options, ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private readonly Lazy<TorrentEngine> _engine = new(() => TorrentEngine.Create(options, loggerFactory), LazyThreadSafetyMode.ExecutionAndPublication);

    public TorrentEngine Engine => _engine.Value;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var engine = _engine.Value;
        loggerFactory.CreateLogger<TorrentEngineService>().LogInformation("torrent engine listening on {EndPoint}, state in {StateDirectory}",
            engine.ListenEndPoint?.ToString() ?? "(no listener)", options.StateDirectory);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
        => _engine.IsValueCreated ? _engine.Value.StopAsync(CancellationToken.None) : Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_engine.IsValueCreated) await _engine.Value.DisposeAsync().ConfigureAwait(false);
    }
}
