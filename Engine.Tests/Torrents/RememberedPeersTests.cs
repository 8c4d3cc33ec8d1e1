using System.Net;
using Engine.Torrents;

namespace Engine.Tests.Torrents;

public class RememberedPeersTests
{
    private static IPEndPoint Peer(int n) => new(IPAddress.Loopback, 10_000 + n);

    [Fact]
    public void Addresses_are_remembered_once_each_in_the_order_they_were_last_given()
    {
        var peers = new RememberedPeers();
        peers.Add([Peer(1), Peer(2), Peer(3)]);
        peers.Add([Peer(1), new IPEndPoint(IPAddress.Loopback, 10_002)]);
        Assert.Equal([Peer(3), Peer(1), Peer(2)], peers.ToList());
        Assert.Equal(3, peers.Count);
    }

    [Fact]
    public void Beyond_the_capacity_the_least_recently_given_are_forgotten()
    {
        var peers = new RememberedPeers(capacity: 3);
        peers.Add([Peer(1), Peer(2), Peer(3)]);
        peers.Add([Peer(1)]); // given again: now the most recent
        peers.Add([Peer(4), Peer(5)]);
        Assert.Equal([Peer(1), Peer(4), Peer(5)], peers.ToList());
        peers.Add(Enumerable.Range(100, 1000).Select(Peer));
        Assert.Equal([Peer(1097), Peer(1098), Peer(1099)], peers.ToList());
    }

    [Fact]
    public void A_capacity_of_nothing_is_refused()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new RememberedPeers(0));

    [Fact]
    public void An_address_given_only_as_learnt_in_the_v2_swarm_is_remembered_as_such()
    {
        var peers = new RememberedPeers(capacity: 3);
        var a = IPEndPoint.Parse("10.0.0.1:1");
        var b = IPEndPoint.Parse("10.0.0.2:1");
        var c = IPEndPoint.Parse("10.0.0.3:1");
        peers.Add([a, b], underV2: true);
        peers.Add([b, c]);                                              // b is in the v1 swarm too
        peers.Add([c], underV2: true);                                  // c was a v1 address first
        Assert.True(peers.UnderV2(a));
        Assert.False(peers.UnderV2(b));
        Assert.False(peers.UnderV2(c));
        peers.Add([IPEndPoint.Parse("10.0.0.4:1")]);                    // a, the least recent, is forgotten
        Assert.False(peers.UnderV2(a));
        Assert.DoesNotContain(a, peers.ToList());
    }
}
