using System.Net;
using Engine.Core.Primitives;
using Engine.Core.Trackers;
using Engine.TrackerServer;
using static Engine.Tests.TrackerServer.TrackerTestData;

namespace Engine.Tests.TrackerServer;

public class TrackerRegistryTests
{
    private static TrackerRegistry Registry(TrackerOptions? options = null, int seed = 1) =>
        new(options ?? new TrackerOptions(), new Random(seed));

    private static TrackerAnnounceResult Announce(TrackerRegistry r, InfoHash hash, int peer, DateTimeOffset? now = null,
        long left = 100, AnnounceEvent e = AnnounceEvent.None, int numWant = 50) =>
        r.Announce(TrackerTestData.Announce(hash, peer, left, e, numWant), Ip(peer), now ?? T0);

    [Fact]
    public void First_announce_gets_an_empty_list_and_later_ones_get_the_others()
    {
        var r = Registry();
        var hash = Hash(1);
        Assert.Empty(Announce(r, hash, 1).Peers);
        var second = Announce(r, hash, 2);
        Assert.Equal([new IPEndPoint(Ip(1), 6001)], second.Peers);
        Assert.Equal([Peer(1)], second.PeerIds);
        Assert.Equal(0, second.Seeders);
        Assert.Equal(2, second.Leechers);
        Assert.Equal(TimeSpan.FromMinutes(15), second.Interval);
    }

    [Fact]
    public void The_announcing_peer_is_never_in_its_own_list()
    {
        var r = Registry();
        var hash = Hash(1);
        for (var p = 0; p < 30; p++) Announce(r, hash, p);
        for (var round = 0; round < 200; round++)
        {
            var peer = round % 30;
            var result = Announce(r, hash, peer, numWant: 29);
            Assert.Equal(29, result.Peers.Count);
            Assert.DoesNotContain(Peer(peer), result.PeerIds);
            Assert.Equal(29, result.PeerIds.Distinct().Count());
        }
    }

    /// <summary>
    /// A client restarted without a <c>stopped</c> (BiglyBT quits so) announces from the same address and port with a new
    /// peer id. One listener holds an address and port: the old entry goes, so it is neither handed out twice nor counted twice.
    /// </summary>
    [Fact]
    public void A_client_restarted_at_the_same_address_and_port_replaces_its_old_entry()
    {
        var r = Registry();
        var hash = Hash(1);
        var at = new IPEndPoint(Ip(7), 6881);
        foreach (var id in new[] { 101, 102, 103 })
            r.Announce(new AnnounceRequest(hash, Peer(id), at.Port, 0, 0, Left: id == 103 ? 0 : 100, AnnounceEvent.None, 50), at.Address, T0);
        var other = Announce(r, hash, 2);
        Assert.Equal([at], other.Peers);
        Assert.Equal([Peer(103)], other.PeerIds);
        Assert.Equal((1, 1), (other.Seeders, other.Leechers));
        Assert.Equal(2, r.PeerCount);

        // A peer whose address changes onto one another peer holds takes it over too.
        Announce(r, hash, 3);
        r.Announce(new AnnounceRequest(hash, Peer(2), 6003, 0, 0, Left: 100, AnnounceEvent.None, 50), Ip(3), T0);
        Assert.Equal(2, r.PeerCount);
        var ninth = Announce(r, hash, 9);
        Assert.Equal(new HashSet<PeerId> { Peer(2), Peer(103) }, ninth.PeerIds.ToHashSet());
        Assert.Equal(3, r.PeerCount);
    }

    [Fact]
    public void Numwant_limits_the_list_default_applies_to_minus_1_and_the_maximum_caps_it()
    {
        var r = Registry(new TrackerOptions { DefaultNumWant = 7, MaxNumWant = 40 });
        var hash = Hash(1);
        for (var p = 0; p < 100; p++) Announce(r, hash, p);
        Assert.Equal(10, Announce(r, hash, 0, numWant: 10).Peers.Count);
        Assert.Equal(7, Announce(r, hash, 0, numWant: -1).Peers.Count);
        Assert.Equal(40, Announce(r, hash, 0, numWant: 1000).Peers.Count);
        Assert.Empty(Announce(r, hash, 0, numWant: 0).Peers);
    }

    [Fact]
    public void Samples_are_random_and_cover_the_whole_swarm()
    {
        var r = Registry();
        var hash = Hash(1);
        for (var p = 0; p < 200; p++) Announce(r, hash, p);
        var seen = new HashSet<PeerId>();
        var first = Announce(r, hash, 0, numWant: 10).PeerIds;
        var differs = false;
        for (var i = 0; i < 400; i++)
        {
            var ids = Announce(r, hash, 0, numWant: 10).PeerIds;
            differs |= !ids.SequenceEqual(first);
            seen.UnionWith(ids);
        }
        Assert.True(differs);
        Assert.Equal(199, seen.Count);
    }

    [Fact]
    public void A_seeder_gets_only_leechers()
    {
        var r = Registry();
        var hash = Hash(1);
        for (var p = 0; p < 10; p++) Announce(r, hash, p, left: p < 5 ? 0 : 100);
        var result = Announce(r, hash, 0, left: 0);
        Assert.Equal(5, result.Seeders);
        Assert.Equal(5, result.Leechers);
        Assert.Equal(Enumerable.Range(5, 5).Select(Peer).OrderBy(p => p.ToString()), result.PeerIds.OrderBy(p => p.ToString()));
        Assert.Equal(9, Announce(r, hash, 5).Peers.Count);
    }

    [Fact]
    public void Stopped_removes_the_peer_at_once()
    {
        var r = Registry();
        var hash = Hash(1);
        Announce(r, hash, 1);
        Announce(r, hash, 2, left: 0);
        var stopped = Announce(r, hash, 2, left: 0, e: AnnounceEvent.Stopped);
        Assert.Empty(stopped.Peers);
        Assert.Equal(0, stopped.Seeders);
        Assert.Equal(1, stopped.Leechers);
        Assert.Empty(Announce(r, hash, 1).Peers);
        Assert.Equal(1, r.PeerCount);
    }

    [Fact]
    public void Stopped_for_an_unknown_torrent_creates_nothing()
    {
        var r = Registry();
        Announce(r, Hash(1), 1, e: AnnounceEvent.Stopped);
        Assert.Equal(0, r.TorrentCount);
        Assert.Null(r.Peers(Hash(1)));
    }

    [Fact]
    public void Completed_is_counted_once_per_peer()
    {
        var r = Registry();
        var hash = Hash(1);
        Announce(r, hash, 1, e: AnnounceEvent.Started);
        Announce(r, hash, 1, left: 0, e: AnnounceEvent.Completed);
        Announce(r, hash, 1, left: 0, e: AnnounceEvent.Completed);
        Announce(r, hash, 1, left: 0);
        Assert.Equal(1, r.Scrape(hash).Downloaded);
        Announce(r, hash, 2, left: 0, e: AnnounceEvent.Completed);
        var stats = r.Scrape(hash);
        Assert.Equal(2, stats.Downloaded);
        Assert.Equal(2, stats.Complete);
        Assert.Equal(0, stats.Incomplete);
    }

    [Fact]
    public void Seeders_and_leechers_follow_left()
    {
        var r = Registry();
        var hash = Hash(1);
        Announce(r, hash, 1);
        Assert.Equal((0, 1), (r.Scrape(hash).Complete, r.Scrape(hash).Incomplete));
        Announce(r, hash, 1, left: 0);
        Assert.Equal((1, 0), (r.Scrape(hash).Complete, r.Scrape(hash).Incomplete));
        Announce(r, hash, 1, left: 5);
        Assert.Equal((0, 1), (r.Scrape(hash).Complete, r.Scrape(hash).Incomplete));
    }

    [Fact]
    public void Peers_expire_after_interval_plus_grace_without_announcing()
    {
        var options = new TrackerOptions { Interval = TimeSpan.FromMinutes(10), Grace = TimeSpan.FromMinutes(2) };
        var r = Registry(options);
        var hash = Hash(1);
        Announce(r, hash, 1, T0);
        Announce(r, hash, 2, T0 + TimeSpan.FromMinutes(5));
        Assert.Equal(0, r.Expire(T0 + TimeSpan.FromMinutes(11)));
        Assert.Equal(1, r.Expire(T0 + TimeSpan.FromMinutes(12)));
        Assert.Equal([Peer(2)], r.Peers(hash)!.Select(p => p.PeerId));
        Assert.Equal(1, r.Expire(T0 + TimeSpan.FromMinutes(17)));
        Assert.Equal(0, r.TorrentCount);
        Assert.Equal(0, r.PeerCount);
    }

    [Fact]
    public void Announcing_keeps_a_peer_alive_and_expired_peers_are_not_handed_out_before_a_sweep()
    {
        var options = new TrackerOptions { Interval = TimeSpan.FromMinutes(10), Grace = TimeSpan.Zero };
        var r = Registry(options);
        var hash = Hash(1);
        Announce(r, hash, 1, T0);
        Announce(r, hash, 2, T0);
        for (var m = 5; m <= 60; m += 5) Announce(r, hash, 2, T0 + TimeSpan.FromMinutes(m));
        // Peer 1 has been silent for an hour: the lazy sweep on announce already dropped it.
        Assert.Empty(Announce(r, hash, 2, T0 + TimeSpan.FromMinutes(61)).Peers);
        Assert.Equal(1, r.PeerCount);
    }

    [Fact]
    public void At_the_torrent_cap_the_least_recently_announced_swarm_is_evicted()
    {
        var r = Registry(new TrackerOptions { MaxTorrents = 3 });
        for (var t = 1; t <= 3; t++) Announce(r, Hash(t), t);
        Announce(r, Hash(1), 1); // 2 is now the least recently announced
        Announce(r, Hash(4), 4);
        Assert.Equal(3, r.TorrentCount);
        Assert.Null(r.Peers(Hash(2)));
        Assert.NotNull(r.Peers(Hash(1)));
        Assert.Equal(3, r.PeerCount);
    }

    [Fact]
    public void At_the_per_torrent_cap_a_new_peer_gets_a_list_but_is_not_stored()
    {
        var r = Registry(new TrackerOptions { MaxPeersPerTorrent = 5 });
        var hash = Hash(1);
        for (var p = 0; p < 5; p++) Announce(r, hash, p);
        var refused = Announce(r, hash, 99);
        Assert.Equal(5, refused.Peers.Count);
        Assert.Equal(5, refused.Leechers);
        Assert.Equal(5, r.PeerCount);
        Assert.DoesNotContain(Peer(99), r.Peers(hash)!.Select(p => p.PeerId));
        Announce(r, hash, 3, e: AnnounceEvent.Stopped);
        Announce(r, hash, 99);
        Assert.Contains(Peer(99), r.Peers(hash)!.Select(p => p.PeerId));
    }

    [Fact]
    public void At_the_total_peer_cap_other_old_swarms_are_evicted()
    {
        var r = Registry(new TrackerOptions { MaxPeers = 4 });
        Announce(r, Hash(1), 1);
        Announce(r, Hash(1), 2);
        Announce(r, Hash(2), 3);
        Announce(r, Hash(2), 4);
        Announce(r, Hash(3), 5);
        Assert.Null(r.Peers(Hash(1)));
        Assert.Equal(3, r.PeerCount);
        Announce(r, Hash(3), 6);
        Announce(r, Hash(3), 7);
        Announce(r, Hash(3), 8);
        Assert.Equal(4, r.PeerCount);
        Assert.Null(r.Peers(Hash(2)));
        var full = Announce(r, Hash(3), 9); // only its own swarm is left: refused, still answered
        Assert.Equal(4, full.Peers.Count);
        Assert.Equal(4, r.PeerCount);
    }

    [Fact]
    public void Allow_list_refuses_other_torrents()
    {
        var r = Registry(new TrackerOptions { AllowList = new HashSet<InfoHash> { Hash(1) } });
        Assert.False(Announce(r, Hash(1), 1).IsFailure);
        var refused = Announce(r, Hash(2), 1);
        Assert.Equal(TrackerRegistry.NotAllowedMessage, refused.Failure);
        Assert.Equal(1, r.TorrentCount);
    }

    [Fact]
    public void Stated_ip_is_ignored_unless_trusted_and_mapped_addresses_are_normalised()
    {
        var hash = Hash(1);
        var request = TrackerTestData.Announce(hash, 1) with { Ip = "10.9.8.7" };
        var r = Registry();
        r.Announce(request, IPAddress.Parse("::ffff:127.0.0.5"), T0);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("127.0.0.5"), 6001), r.Peers(hash)!.Single().Endpoint);
        var trusting = Registry(new TrackerOptions { TrustClientIp = true });
        trusting.Announce(request, IPAddress.Loopback, T0);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.9.8.7"), 6001), trusting.Peers(hash)!.Single().Endpoint);
    }

    [Fact]
    public void A_peer_that_moves_keeps_one_entry_with_the_new_endpoint()
    {
        var r = Registry();
        var hash = Hash(1);
        r.Announce(TrackerTestData.Announce(hash, 1), IPAddress.Parse("127.0.0.1"), T0);
        r.Announce(TrackerTestData.Announce(hash, 1) with { Port = 7777 }, IPAddress.Parse("127.0.0.2"), T0);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 7777), r.Peers(hash)!.Single().Endpoint);
    }

    [Fact]
    public void Flood_of_100000_random_torrents_stays_within_the_caps_and_the_tracker_still_answers()
    {
        var options = new TrackerOptions { MaxTorrents = 2_000, MaxPeers = 5_000, MaxPeersPerTorrent = 50 };
        var r = Registry(options);
        var rng = new Random(5);
        var legit = Hash(-1);
        Announce(r, legit, 1);
        for (var i = 0; i < 100_000; i++)
        {
            var hash = rng.Next(10) == 0 ? Hash(rng.Next(20)) : RandomHash(rng);
            r.Announce(TrackerTestData.Announce(hash, rng.Next(), numWant: 200), Ip(rng.Next(65536)), T0 + TimeSpan.FromMilliseconds(i));
            Assert.True(r.UnpublishedTorrentCount <= options.MaxTorrents);
            Assert.True(r.PeerCount <= options.MaxPeers);
        }
        foreach (var entry in r.Catalog(int.MaxValue))
            Assert.True(entry.Seeders + entry.Leechers <= options.MaxPeersPerTorrent);
        Announce(r, legit, 1);
        var answer = Announce(r, legit, 2);
        Assert.False(answer.IsFailure);
        Assert.Equal([Peer(1)], answer.PeerIds);
    }

    [Fact]
    public void Random_operations_keep_counts_consistent()
    {
        var options = new TrackerOptions { MaxTorrents = 8, MaxPeers = 60, MaxPeersPerTorrent = 12, Interval = TimeSpan.FromSeconds(100), Grace = TimeSpan.Zero };
        var r = Registry(options, seed: 9);
        var rng = new Random(9);
        var now = T0;
        for (var step = 0; step < 20_000; step++)
        {
            now += TimeSpan.FromSeconds(rng.Next(3));
            if (rng.Next(500) == 0) r.Expire(now);
            else r.Announce(TrackerTestData.Announce(Hash(rng.Next(12)), rng.Next(40), left: rng.Next(3) == 0 ? 0 : 10,
                (AnnounceEvent)rng.Next(4), rng.Next(-1, 20)), Ip(1), now);
            if (step % 97 != 0) continue;
            var catalog = r.Catalog(int.MaxValue);
            Assert.Equal(r.PeerCount, catalog.Sum(c => c.Seeders + c.Leechers));
            foreach (var entry in catalog)
            {
                var peers = r.Peers(entry.InfoHash, int.MaxValue)!;
                Assert.Equal(entry.Seeders, peers.Count(p => p.IsSeeder));
                Assert.Equal(entry.Leechers, peers.Count(p => !p.IsSeeder));
                Assert.Equal(peers.Count, peers.Select(p => p.PeerId).Distinct().Count());
                Assert.True(entry.Completed <= 40);
            }
        }
    }
}
