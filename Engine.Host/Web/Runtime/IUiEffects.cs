using Engine.Host.Web.Ui;

namespace Engine.Host.Web.Runtime;

/// <summary>What the <see cref="UiRuntime"/> needs from the outside world: run a command, watch a torrent's events.</summary>
public interface IUiEffects
{
    /// <summary>Runs one command (never a batch) and returns the message describing its outcome; failures are messages too.</summary>
    Task<Msg> RunAsync(Cmd cmd, CancellationToken cancellationToken);

    /// <summary>The engine events of one torrent as messages, until <paramref name="cancellationToken"/> fires or the torrent is gone.</summary>
    IAsyncEnumerable<Msg> WatchAsync(string hash, CancellationToken cancellationToken);
}
