using Akka.Actor;
using Engine.Api;

namespace Engine.Hosting;

/// <summary>
/// The <see cref="TorrentEngine"/> attached to an ActorSystem by <see cref="TorrentEngineHosting.WithTorrentEngine(Akka.Hosting.AkkaConfigurationBuilder, TorrentEngineOptions)"/>.
/// <c>TorrentEngineExtension.Get(system).Engine</c> (or <c>await ...WhenStarted</c>) from any code that has the system.
/// </summary>
public sealed class TorrentEngineExtension : IExtension
{
    private readonly TaskCompletionSource<TorrentEngine> _engine = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the engine has started (with its start-up error if it failed).</summary>
    public Task<TorrentEngine> WhenStarted => _engine.Task;

    /// <summary>The engine; throws when it has not started (yet).</summary>
    public TorrentEngine Engine => _engine.Task.IsCompletedSuccessfully
        ? _engine.Task.Result
        : throw new InvalidOperationException("no torrent engine has started in this ActorSystem (yet): configure it with WithTorrentEngine(...) and await WhenStarted");

    internal void Started(TorrentEngine engine) => _engine.TrySetResult(engine);
    internal void Failed(Exception e) => _engine.TrySetException(e);

    public static TorrentEngineExtension Get(ActorSystem system) => system.WithExtension<TorrentEngineExtension, Provider>();

    public sealed class Provider : ExtensionIdProvider<TorrentEngineExtension>
    {
        public override TorrentEngineExtension CreateExtension(ExtendedActorSystem system) => new();
    }
}
