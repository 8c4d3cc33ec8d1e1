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
}
