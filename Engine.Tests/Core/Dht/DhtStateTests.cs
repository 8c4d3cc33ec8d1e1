using System.Net;
using Engine.Core.Dht;
using Engine.Core.Primitives;

namespace Engine.Tests.Core.Dht;

/// <summary>Tokens, the peer store, the query rate limit and the external address vote.</summary>
public sealed class DhtStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 0, 0, 0, TimeSpan.Zero);
    private static readonly IPAddress A = IPAddress.Parse("203.0.113.5"), B = IPAddress.Parse("203.0.113.6");

    [Fact]
    public void A_token_is_valid_for_its_address_for_five_to_ten_minutes()
    {
        var tokens = new DhtTokens(new Random(17), T0);
        var token = tokens.Issue(A, T0);
        Assert.True(tokens.IsValid(A, token, T0 + TimeSpan.FromMinutes(4)));
        Assert.False(tokens.IsValid(B, token, T0));
        Assert.True(tokens.IsValid(A, token, T0 + TimeSpan.FromMinutes(9)));
        Assert.False(tokens.IsValid(A, token, T0 + TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1)));
        var late = tokens.Issue(A, T0 + TimeSpan.FromMinutes(30));
        Assert.False(tokens.IsValid(A, token, T0 + TimeSpan.FromMinutes(30)));
        Assert.True(tokens.IsValid(A, late, T0 + TimeSpan.FromMinutes(31)));
    }

    [Fact]
    public void The_peer_store_keeps_peers_thirty_minutes_and_stays_within_its_caps()
    {
        var store = new DhtPeerStore(maxPeersPerTorrent: 10, maxTorrents: 5);
        var rng = new Random(18);
        var hash = NodeId.Random(rng).ToInfoHash();
        for (var i = 0; i < 25; i++) store.Add(hash, new IPEndPoint(A, 1000 + i), T0 + TimeSpan.FromSeconds(i));
        Assert.Equal(10, store.PeerCount);
        var got = store.Get(hash, IpFamily.V4, 50, T0, rng);
        Assert.Equal(Enumerable.Range(15, 10).Select(i => new IPEndPoint(A, 1000 + i)).ToHashSet(), got.ToHashSet()); // the newest
        Assert.Equal(4, store.Get(hash, IpFamily.V4, 4, T0, rng).Count);
        Assert.Empty(store.Get(hash, IpFamily.V6, 50, T0, rng));

        for (var t = 0; t < 20; t++) store.Add(NodeId.Random(rng).ToInfoHash(), new IPEndPoint(B, 1), T0);
        Assert.Equal(5, store.TorrentCount);
        Assert.Empty(store.Get(hash, IpFamily.V4, 50, T0 + TimeSpan.FromMinutes(31), rng));
        store.Sweep(T0 + TimeSpan.FromMinutes(31));
        Assert.Equal(0, store.TorrentCount);
        Assert.True(store.Add(hash, new IPEndPoint(A, 1), T0 + TimeSpan.FromMinutes(31)));
    }

    [Fact]
    public void Queries_are_rationed_per_source_and_in_total_and_the_source_table_stays_bounded()
    {
        var limiter = new QueryRateLimiter(perSource: 10, total: 100, maxSources: 50);
        var allowed = Enumerable.Range(0, 100).Count(_ => limiter.Allow(A, T0));
        Assert.Equal(20, allowed); // a burst of twice the rate
        Assert.True(limiter.Allow(A, T0 + TimeSpan.FromSeconds(1)));
        for (var i = 0; i < 10_000; i++) limiter.Allow(new IPAddress([198, 18, (byte)(i >> 8), (byte)i]), T0 + TimeSpan.FromSeconds(2));
        Assert.True(limiter.Sources <= 50);
        Assert.True(limiter.Refused > 9_000);
    }

    [Fact]
    public void Our_address_is_what_a_majority_of_at_least_three_distinct_nodes_report()
    {
        var rng = new Random(19);
        var votes = new ExternalAddressVotes();
        var n1 = NodeId.Random(rng);
        Assert.False(votes.Vote(n1, A));
        Assert.False(votes.Vote(n1, A)); // one node, one vote
        Assert.False(votes.Vote(NodeId.Random(rng), A));
        Assert.False(votes.Vote(NodeId.Random(rng), B));
        Assert.True(votes.Vote(NodeId.Random(rng), A));
        Assert.Equal(A, votes.Address);
    }
}
