using Engine.Core.Choking;

namespace Engine.Tests.Core.Choking;

public class ChokerTests
{
    private static readonly DateTime T0 = new(2025, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime LongAgo = T0.AddHours(-1);

    private static ChokerPeer Peer(int key, double down = 0, double up = 0, bool interested = true, bool choked = true,
        bool snubbed = false, DateTime? connectedAt = null) =>
        new(key, interested, choked, down, up, null, connectedAt ?? LongAgo, snubbed);

    private static HashSet<int> Regular(ChokeDecision d) => d.Unchoked.Where(k => k != d.Optimistic).ToHashSet();

    [Fact]
    public void Downloading_unchokes_the_four_interested_peers_that_send_to_us_fastest()
    {
        var peers = Enumerable.Range(0, 8).Select(i => Peer(i, down: i * 1000)).ToList();
        var d = new Choker().Rechoke(peers, seeding: false, T0, new Random(1));
        Assert.Equal(new HashSet<int> { 4, 5, 6, 7 }, Regular(d));
        Assert.NotNull(d.Optimistic);
        Assert.InRange(d.Optimistic!.Value, 0, 3);
        Assert.Equal(5, d.Unchoked.Count);
        Assert.Equal(d.Unchoked.ToHashSet(), d.Unchoke.ToHashSet());
        Assert.Empty(d.Choke);
    }

    [Fact]
    public void Upload_rate_does_not_matter_while_downloading()
    {
        var peers = new List<ChokerPeer> { Peer(1, down: 10, up: 1e9), Peer(2, down: 20, up: 0) };
        var d = new Choker(slots: 1).Rechoke(peers, seeding: false, T0, new Random(1));
        Assert.Equal(new HashSet<int> { 2 }, Regular(d));
    }

    [Fact]
    public void Seeding_unchokes_the_peers_we_upload_to_fastest()
    {
        var peers = Enumerable.Range(0, 8).Select(i => Peer(i, down: 1e9, up: (8 - i) * 1000)).ToList();
        var d = new Choker().Rechoke(peers, seeding: true, T0, new Random(1));
        Assert.Equal(new HashSet<int> { 0, 1, 2, 3 }, Regular(d));
    }

    [Fact]
    public void Uninterested_peers_get_no_slot_and_are_choked_if_unchoked()
    {
        var peers = new List<ChokerPeer>
        {
            Peer(1, down: 1e6, interested: false, choked: false),
            Peer(2, down: 10),
        };
        var d = new Choker().Rechoke(peers, seeding: false, T0, new Random(1));
        Assert.Equal(new[] { 2 }, d.Unchoked);
        Assert.Equal(new[] { 1 }, d.Choke);
        Assert.Equal(new[] { 2 }, d.Unchoke);
    }

    [Fact]
    public void Snubbed_peers_get_no_regular_slot_while_downloading()
    {
        var peers = new List<ChokerPeer> { Peer(1, down: 1e6, snubbed: true), Peer(2, down: 10), Peer(3, down: 5) };
        var d = new Choker(slots: 2).Rechoke(peers, seeding: false, T0, new Random(1));
        Assert.Equal(new HashSet<int> { 2, 3 }, Regular(d));
        Assert.Equal(1, d.Optimistic); // but the optimistic slot may go to it
    }

    [Fact]
    public void Snubbing_does_not_matter_while_seeding()
    {
        var peers = new List<ChokerPeer> { Peer(1, up: 1e6, snubbed: true), Peer(2, up: 10) };
        var d = new Choker(slots: 1).Rechoke(peers, seeding: true, T0, new Random(1));
        Assert.Equal(new HashSet<int> { 1 }, Regular(d));
    }

    [Fact]
    public void Only_changes_are_reported_as_chokes_and_unchokes()
    {
        var peers = new List<ChokerPeer>
        {
            Peer(1, down: 100, choked: false), // stays unchoked
            Peer(2, down: 90, choked: true),   // gets unchoked
            Peer(3, down: 1, choked: false),   // loses its slot
            Peer(4, down: 0, choked: true, interested: false), // stays choked
        };
        var d = new Choker(slots: 2).Rechoke(peers, seeding: false, T0, new Random(1));
        Assert.Equal(new HashSet<int> { 1, 2 }, Regular(d));
        Assert.Equal(3, d.Optimistic); // the only interested peer left
        Assert.Equal(new[] { 2 }, d.Unchoke);
        Assert.Empty(d.Choke);
        var later = new Choker(slots: 2, optimisticInterval: TimeSpan.FromSeconds(30));
        var d2 = later.Rechoke(peers.Select(p => p with { Interested = p.Key != 3 && p.Interested }).ToList(), false, T0, new Random(1));
        Assert.Equal(new[] { 3 }, d2.Choke);
        Assert.Null(d2.Optimistic);
    }

    [Fact]
    public void The_optimistic_peer_is_an_extra_slot_on_top_of_the_regular_ones()
    {
        var peers = Enumerable.Range(0, 10).Select(i => Peer(i, down: 100 + i)).ToList();
        var d = new Choker(slots: 3).Rechoke(peers, seeding: false, T0, new Random(5));
        Assert.Equal(4, d.Unchoked.Count);
        Assert.Equal(new HashSet<int> { 7, 8, 9 }, Regular(d));
        Assert.DoesNotContain(d.Optimistic!.Value, new[] { 7, 8, 9 });
    }

    [Fact]
    public void The_optimistic_peer_stays_unchoked_between_rotations_and_rotates_after_thirty_seconds()
    {
        var choker = new Choker(slots: 1);
        var peers = Enumerable.Range(0, 6).Select(i => Peer(i, down: i == 5 ? 1000 : 0)).ToList();
        var random = new Random(3);
        var first = choker.Rechoke(peers, false, T0, random);
        var optimistic = first.Optimistic!.Value;
        Assert.Equal(optimistic, choker.OptimisticPeer);
        // The optimistic peer now sends fast, yet keeps only its optimistic slot; the regular slot is unaffected.
        var faster = peers.Select(p => p.Key == optimistic ? p with { DownloadRate = 5000 } : p).ToList();
        for (var s = 10; s < 30; s += 10)
        {
            var d = choker.Rechoke(faster, false, T0.AddSeconds(s), random);
            Assert.Equal(optimistic, d.Optimistic);
            Assert.Equal(new HashSet<int> { 5 }, Regular(d));
        }
        var rotated = choker.Rechoke(peers, false, T0.AddSeconds(30), random);
        Assert.NotEqual(optimistic, rotated.Optimistic);
        Assert.NotNull(rotated.Optimistic);
        Assert.DoesNotContain(optimistic, rotated.Unchoked); // back to choked: slow, and no longer optimistic
    }

    [Fact]
    public void A_forced_rotation_picks_a_new_optimistic_peer_before_its_interval_has_passed()
    {
        var choker = new Choker(slots: 1);
        var peers = Enumerable.Range(0, 6).Select(i => Peer(i, down: i == 5 ? 1000 : 0)).ToList();
        var random = new Random(9);
        var optimistic = choker.Rechoke(peers, false, T0, random).Optimistic!.Value;
        Assert.Equal(optimistic, choker.Rechoke(peers, false, T0.AddSeconds(10), random).Optimistic);
        var rotated = choker.Rechoke(peers, false, T0.AddSeconds(12), random, rotateOptimistic: true);
        Assert.NotNull(rotated.Optimistic);
        Assert.NotEqual(optimistic, rotated.Optimistic);
    }

    [Fact]
    public void A_former_optimistic_peer_that_became_fast_keeps_a_regular_slot_after_rotation()
    {
        var choker = new Choker(slots: 1);
        var peers = Enumerable.Range(0, 4).Select(i => Peer(i)).ToList();
        var optimistic = choker.Rechoke(peers, false, T0, new Random(1)).Optimistic!.Value;
        var unchokedNow = choker.Rechoke(peers, false, T0.AddSeconds(10), new Random(1)).Unchoked.ToHashSet();
        var fast = peers.Select(p => p with { ChokedByUs = !unchokedNow.Contains(p.Key), DownloadRate = p.Key == optimistic ? 1e6 : 10 }).ToList();
        var d = choker.Rechoke(fast, false, T0.AddSeconds(40), new Random(1));
        Assert.Equal(new HashSet<int> { optimistic }, Regular(d));
        Assert.DoesNotContain(optimistic, d.Choke);
    }

    [Fact]
    public void The_optimistic_peer_is_replaced_early_when_it_leaves_or_loses_interest()
    {
        var choker = new Choker(slots: 0);
        var peers = Enumerable.Range(0, 5).Select(i => Peer(i)).ToList();
        var optimistic = choker.Rechoke(peers, false, T0, new Random(1)).Optimistic!.Value;
        var gone = peers.Where(p => p.Key != optimistic).ToList();
        var next = choker.Rechoke(gone, false, T0.AddSeconds(10), new Random(1)).Optimistic!.Value;
        Assert.NotEqual(optimistic, next);
        var bored = gone.Select(p => p.Key == next ? p with { Interested = false, ChokedByUs = false } : p).ToList();
        var d = choker.Rechoke(bored, false, T0.AddSeconds(20), new Random(1));
        Assert.NotEqual(next, d.Optimistic);
        Assert.Contains(next, d.Choke);
    }

    [Fact]
    public void With_a_single_candidate_the_optimistic_peer_is_kept_across_rotations()
    {
        var choker = new Choker(slots: 0);
        var peers = new List<ChokerPeer> { Peer(7) };
        Assert.Equal(7, choker.Rechoke(peers, false, T0, new Random(1)).Optimistic);
        Assert.Equal(7, choker.Rechoke(peers, false, T0.AddSeconds(60), new Random(1)).Optimistic);
    }

    [Fact]
    public void Newly_connected_peers_are_three_times_as_likely_to_be_the_optimistic_unchoke()
    {
        var peers = new List<ChokerPeer>
        {
            Peer(0, connectedAt: T0.AddSeconds(-10)), // new
            Peer(1), Peer(2), Peer(3),              // old
        };
        var newChosen = 0;
        const int trials = 4000;
        var random = new Random(2);
        for (var i = 0; i < trials; i++)
            if (new Choker(slots: 0).Rechoke(peers, false, T0, random).Optimistic == 0) newChosen++;
        // Weight 3 against 1 + 1 + 1: expected one half.
        Assert.InRange(newChosen / (double)trials, 0.45, 0.55);
    }

    [Fact]
    public void A_peer_connected_a_minute_ago_is_no_longer_new()
    {
        var peers = new List<ChokerPeer> { Peer(0, connectedAt: T0.AddSeconds(-60)), Peer(1) };
        var chosen = 0;
        var random = new Random(4);
        for (var i = 0; i < 4000; i++)
            if (new Choker(slots: 0).Rechoke(peers, false, T0, random).Optimistic == 0) chosen++;
        Assert.InRange(chosen / 4000.0, 0.45, 0.55);
    }

    [Fact]
    public void When_few_peers_are_interested_all_of_them_are_unchoked_and_no_optimistic_is_needed()
    {
        var peers = new List<ChokerPeer> { Peer(1, down: 5), Peer(2, down: 1), Peer(3, interested: false) };
        var d = new Choker().Rechoke(peers, false, T0, new Random(1));
        Assert.Equal(new HashSet<int> { 1, 2 }, d.Unchoked.ToHashSet());
        Assert.Null(d.Optimistic);
    }

    [Fact]
    public void No_peers_means_no_changes()
    {
        var d = new Choker().Rechoke([], false, T0, new Random(1));
        Assert.Empty(d.Unchoke);
        Assert.Empty(d.Choke);
        Assert.Empty(d.Unchoked);
        Assert.Null(d.Optimistic);
    }

    [Fact]
    public void Ties_in_rate_are_broken_at_random()
    {
        var peers = Enumerable.Range(0, 10).Select(i => Peer(i, down: 100)).ToList();
        var sets = Enumerable.Range(0, 30)
            .Select(seed => string.Join(",", Regular(new Choker().Rechoke(peers, false, T0, new Random(seed))).Order()))
            .ToHashSet();
        Assert.True(sets.Count > 10, $"only {sets.Count} distinct unchoke sets");
    }

    [Fact]
    public void Duplicate_keys_and_bad_settings_are_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new Choker().Rechoke([Peer(1), Peer(1)], false, T0, new Random(1)));
        Assert.Contains("peer 1", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Choker(slots: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Choker(optimisticInterval: TimeSpan.Zero));
    }

    [Fact]
    public void A_peer_snubs_us_after_a_minute_unchoked_without_sending_a_block()
    {
        Assert.False(Choker.IsSnubbed(null, null, T0));                                  // still choking us
        Assert.False(Choker.IsSnubbed(T0.AddSeconds(-59), null, T0));                    // unchoked 59 s ago
        Assert.True(Choker.IsSnubbed(T0.AddSeconds(-60), null, T0));                     // a full minute, nothing
        Assert.False(Choker.IsSnubbed(T0.AddSeconds(-300), T0.AddSeconds(-30), T0));     // sent 30 s ago
        Assert.True(Choker.IsSnubbed(T0.AddSeconds(-300), T0.AddSeconds(-61), T0));      // sent, then went quiet
        Assert.False(Choker.IsSnubbed(T0.AddSeconds(-10), T0.AddSeconds(-500), T0));     // old block from before the unchoke
    }

    [Fact]
    public void Random_snapshots_respect_slot_counts_and_eligibility()
    {
        var random = new Random(8);
        for (var round = 0; round < 500; round++)
        {
            var choker = new Choker(slots: random.Next(0, 6));
            var now = T0;
            for (var step = 0; step < 10; step++)
            {
                now = now.AddSeconds(10);
                var seeding = random.Next(2) == 0;
                var peers = Enumerable.Range(0, random.Next(0, 15)).Select(i => new ChokerPeer(i, random.Next(3) > 0, random.Next(2) == 0,
                    random.Next(4) * 100.0, random.Next(4) * 100.0, null, now.AddSeconds(-random.Next(120)), random.Next(4) == 0)).ToList();
                var d = choker.Rechoke(peers, seeding, now, random);
                var byKey = peers.ToDictionary(p => p.Key);
                var regular = Regular(d);
                Assert.True(regular.Count <= choker.Slots);
                Assert.Equal(d.Unchoked.Count, d.Unchoked.Distinct().Count());
                foreach (var key in d.Unchoked) Assert.True(byKey[key].Interested);
                if (!seeding) foreach (var key in regular) Assert.False(byKey[key].Snubbed);
                // Every eligible peer left out is no faster than the slowest regular one.
                var rate = (ChokerPeer p) => seeding ? p.UploadRate : p.DownloadRate;
                var eligible = peers.Where(p => p.Interested && (seeding || !p.Snubbed) && p.Key != d.Optimistic).ToList();
                Assert.Equal(Math.Min(choker.Slots, eligible.Count), regular.Count);
                if (regular.Count > 0)
                {
                    var slowest = regular.Min(k => rate(byKey[k]));
                    foreach (var p in eligible.Where(p => !regular.Contains(p.Key))) Assert.True(rate(p) <= slowest);
                }
                foreach (var p in peers)
                {
                    var unchoked = d.Unchoked.Contains(p.Key);
                    Assert.Equal(unchoked && p.ChokedByUs, d.Unchoke.Contains(p.Key));
                    Assert.Equal(!unchoked && !p.ChokedByUs, d.Choke.Contains(p.Key));
                }
                if (d.Optimistic is null) Assert.DoesNotContain(peers, p => p.Interested && !d.Unchoked.Contains(p.Key));
            }
        }
    }
}
