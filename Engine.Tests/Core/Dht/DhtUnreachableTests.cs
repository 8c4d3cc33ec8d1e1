using System.Net;
using Engine.Core.Dht;
using Engine.Core.Primitives;

namespace Engine.Tests.Core.Dht;

/// <summary>An ICMP error for a query's destination (<see cref="DhtCore.OnUnreachable"/>) fails that query now, not at its timeout.</summary>
public sealed class DhtUnreachableTests
{
    private sealed class Recorder : IDhtEffects
    {
        public List<IPEndPoint> SentTo { get; } = new();
        public List<LookupReport> Done { get; } = new();
        public void Send(byte[] packet, IPEndPoint to) => SentTo.Add(to);
        public void PeersFound(int lookup, InfoHash infoHash, IReadOnlyList<IPEndPoint> peers) { }
        public void LookupDone(LookupReport report) => Done.Add(report);
        public void PeerAnnounced(InfoHash infoHash, IPEndPoint peer) { }
    }

    [Fact]
    public void Queries_to_unreachable_nodes_fail_at_once_and_a_lookup_left_with_nobody_to_ask_ends_without_waiting()
    {
        var now = DateTimeOffset.UnixEpoch; // the clock never moves: no query can time out
        var fx = new Recorder();
        var core = new DhtCore(NodeId.Random(new Random(1)), new DhtSettings(), fx, new Random(1), now);
        var dead = new IPEndPoint(IPAddress.Parse("192.0.2.7"), 6881);
        var alsoDead = new IPEndPoint(IPAddress.Parse("192.0.2.8"), 6881);
        core.Bootstrap([], [dead, alsoDead], now); // no table yet: the join asks both routers
        Assert.Equal([dead, alsoDead], fx.SentTo.Order(Comparer<IPEndPoint>.Create((a, b) => a.ToString().CompareTo(b.ToString()))));
        Assert.Equal(2, core.QueriesInFlight);

        core.OnUnreachable(new IPEndPoint(IPAddress.Parse("192.0.2.9"), 6881), now); // nobody we asked
        core.OnUnreachable(new IPEndPoint(dead.Address, 6882), now);                 // the right host, another port
        Assert.Equal(2, core.QueriesInFlight);

        core.OnUnreachable(dead, now);
        Assert.Equal(1, core.QueriesInFlight);
        Assert.Empty(fx.Done);
        core.OnUnreachable(alsoDead, now);
        Assert.Equal(0, core.QueriesInFlight);
        var join = Assert.Single(fx.Done);
        Assert.Equal((2, 0), (join.Queried, join.Answered));
    }
}
