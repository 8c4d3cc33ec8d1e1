using Akka.Actor;
using Engine.Runtime;

namespace Engine.Api;

/// <summary>
/// The ActorSystem of an engine still to come, started ahead of time on a thread of its own: a program starts it first
/// thing and does its other start-up work (its command line, the .torrent, the directories) meanwhile, then hands it to
/// <see cref="TorrentEngine.Create(TorrentEngineOptions, PrestartedSystem)"/>, which waits for it if it is not up yet.
/// Akka's start (its configuration, dispatchers, scheduler, logger) takes ~70 ms, most of a console client's start-up
/// (docs/performance.md). Disposing it terminates the system unless an engine took it (the engine's own stop does then).
/// </summary>
public sealed class PrestartedSystem : IAsyncDisposable
{
    private readonly TaskCompletionSource<ActorSystem> _system = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Microsoft.Extensions.Logging.ILoggerFactory? _loggerFactory;
    private int _taken;

    private PrestartedSystem(Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory)
    {
        _loggerFactory = loggerFactory;
        var thread = new Thread(() =>
        {
            try { _system.SetResult(TorrentEngine.CreateSystem(null, loggerFactory)); }
            catch (Exception e) { _system.SetException(e); }
        }) { IsBackground = true, Name = "engine system start" };
        thread.Start();
    }

    /// <summary>Begins starting the ActorSystem, Akka's logging routed to <paramref name="loggerFactory"/> when given (as <see cref="TorrentEngine.Create(TorrentEngineOptions, Microsoft.Extensions.Logging.ILoggerFactory?)"/> does).</summary>
    public static PrestartedSystem Start(Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null) => new(loggerFactory);

    /// <summary>
    /// The system, for one engine: the prestarted one, waited for; or, when <paramref name="extraHocon"/> asks for a
    /// configuration of its own (<see cref="EngineTunables.AkkaHocon"/>), a new one with it (the prestarted one is terminated).
    /// </summary>
    internal ActorSystem Take(string? extraHocon)
    {
        if (Interlocked.Exchange(ref _taken, 1) != 0) throw new InvalidOperationException("this prestarted system belongs to an engine already");
        if (string.IsNullOrWhiteSpace(extraHocon)) return _system.Task.GetAwaiter().GetResult();
        _ = TerminateAsync();
        return TorrentEngine.CreateSystem(extraHocon, _loggerFactory);
    }

    private async Task TerminateAsync()
    {
        ActorSystem system;
        try { system = await _system.Task.ConfigureAwait(false); }
        catch (Exception) { return; } // it never started: nothing to terminate (an engine taking it would have been told why)
        try { await system.TerminateQuietly().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); }
        catch (TimeoutException) { } // bounded, as an engine's own stop
    }

    /// <summary>Terminates the system, unless an engine took it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _taken, 1) == 0) await TerminateAsync().ConfigureAwait(false);
    }
}
