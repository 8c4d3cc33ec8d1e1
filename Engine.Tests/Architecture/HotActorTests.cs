using Akka.Actor;

namespace Engine.Tests.Architecture;

/// <summary>
/// The actors every block passes through match their messages with a <c>switch</c>, not with <see cref="ReceiveActor"/>'s
/// handlers: those are compiled expression trees, which the host (download and seed run without generating code) runs
/// in System.Linq.Expressions' interpreter on every message (docs/decisions.md, "Hot actors match with a switch").
/// </summary>
public sealed class HotActorTests
{
    [Theory]
    [InlineData(typeof(Engine.Peers.PeerInbound))]
    [InlineData(typeof(Engine.Peers.PeerConnection))]
    [InlineData(typeof(Engine.Peers.PeerOutbound))]
    [InlineData(typeof(Engine.Pieces.PieceManager))]
    [InlineData(typeof(Engine.Storage.StorageActor))]
    [InlineData(typeof(Engine.Torrents.TorrentActor))]
    public void An_actor_on_the_block_path_is_not_a_receive_actor(Type actor)
    {
        Assert.True(typeof(ActorBase).IsAssignableFrom(actor), $"{actor.Name} is not an actor");
        Assert.False(typeof(ReceiveActor).IsAssignableFrom(actor), $"{actor.Name} is a ReceiveActor: its matching is interpreted when no code is generated");
        Assert.True(typeof(UntypedActor).IsAssignableFrom(actor), $"{actor.Name} should match in OnReceive");
    }

    /// <summary>
    /// No actor of the engine is a <see cref="ReceiveActor"/>: one would bring back, at the start of every download, the
    /// expression trees its matcher is built from and the delegate thunks JIT-compiled for them (docs/decisions.md,
    /// "Hot actors match with a switch").
    /// </summary>
    [Fact]
    public void No_actor_of_the_engine_is_a_receive_actor()
    {
        var receiveActors = typeof(Engine.Runtime.EngineRoot).Assembly.GetTypes()
            .Where(t => typeof(ReceiveActor).IsAssignableFrom(t))
            .Select(t => t.FullName)
            .ToList();
        Assert.True(typeof(ActorBase).IsAssignableFrom(typeof(Engine.Runtime.EngineRoot)));
        Assert.True(receiveActors.Count == 0, "ReceiveActors: " + string.Join(", ", receiveActors));
    }
}
