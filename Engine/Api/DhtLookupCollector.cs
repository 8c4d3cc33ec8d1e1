using System.Net;
using Akka.Actor;
using Engine.Core.Primitives;
using Engine.Dht;
using Engine.Runtime;

namespace Engine.Api;

/// <summary>
/// One lookup asked for through the API: sends <see cref="DhtNode.Lookup"/> through the engine's root, gathers the peers
/// as they come and completes <c>result</c> at <see cref="DhtNode.LookupFinished"/> (null when the DHT is off), or with
/// what it has when told <see cref="Cut"/>. It stops itself either way.
/// </summary>
internal sealed class DhtLookupCollector : ReceiveActor
{
    /// <summary>The caller gave up or its time ran out: finish with the peers found so far.</summary>
    public sealed record Cut;

    private readonly HashSet<IPEndPoint> _peers = new();
    private readonly List<IPEndPoint> _order = new();

    public DhtLookupCollector(IActorRef root, InfoHash hash, TaskCompletionSource<DhtLookupResult?> result)
    {
        root.Tell(new EngineRoot.ToDht(new DhtNode.Lookup(hash)));
        Receive<DhtNode.PeersFromDht>(m =>
        {
            foreach (var peer in m.Peers)
                if (_peers.Add(peer)) _order.Add(peer);
        });
        Receive<DhtNode.LookupFinished>(m => Finish(result, new DhtLookupResult(hash, _order, m.Queried, m.Answered, m.Rounds, true)));
        Receive<EngineRoot.DhtOff>(_ => Finish(result, null));
        Receive<Cut>(_ => Finish(result, new DhtLookupResult(hash, _order, 0, 0, 0, false)));
    }

    public static Props Props(IActorRef root, InfoHash hash, TaskCompletionSource<DhtLookupResult?> result) =>
        Akka.Actor.Props.Create(() => new DhtLookupCollector(root, hash, result));

    private void Finish(TaskCompletionSource<DhtLookupResult?> result, DhtLookupResult? value)
    {
        result.TrySetResult(value);
        Context.Stop(Self);
    }
}
