using System.Net;
using Akka.Actor;
using Engine.Actors;
using Engine.Core.Primitives;
using Engine.Dht;
using Engine.Runtime;

namespace Engine.Api;

/// <summary>
/// One lookup asked for through the API: sends <see cref="DhtNode.Lookup"/> through the engine's root, gathers the peers
/// as they come and completes <c>result</c> at <see cref="DhtNode.LookupFinished"/> (null when the DHT is off), or with
/// what it has when told <see cref="Cut"/>. It stops itself either way.
/// </summary>
internal sealed class DhtLookupCollector : UntypedActor
{
    /// <summary>The caller gave up or its time ran out: finish with the peers found so far.</summary>
    public sealed record Cut;

    private readonly HashSet<IPEndPoint> _peers = new();
    private readonly List<IPEndPoint> _order = new();
    private readonly InfoHash _hash;
    private readonly TaskCompletionSource<DhtLookupResult?> _result;

    public DhtLookupCollector(IActorRef root, InfoHash hash, TaskCompletionSource<DhtLookupResult?> result)
    {
        _hash = hash;
        _result = result;
        root.Tell(new EngineRoot.ToDht(new DhtNode.Lookup(hash)));
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case DhtNode.PeersFromDht m:
                foreach (var peer in m.Peers)
                    if (_peers.Add(peer)) _order.Add(peer);
                break;
            case DhtNode.LookupFinished m: Finish(new DhtLookupResult(_hash, _order, m.Queried, m.Answered, m.Rounds, true)); break;
            case EngineRoot.DhtOff: Finish(null); break;
            case Cut: Finish(new DhtLookupResult(_hash, _order, 0, 0, 0, false)); break;
            default: Unhandled(message); break;
        }
    }

    public static Props Props(IActorRef root, InfoHash hash, TaskCompletionSource<DhtLookupResult?> result) =>
        ActorProps.Of(() => new DhtLookupCollector(root, hash, result));

    private void Finish(DhtLookupResult? value)
    {
        _result.TrySetResult(value);
        Context.Stop(Self);
    }
}
