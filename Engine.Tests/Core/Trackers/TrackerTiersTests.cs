using Engine.Core.Trackers;

namespace Engine.Tests.Core.Trackers;

public sealed class TrackerTiersTests
{
    [Fact]
    public void A_round_tries_every_tracker_tier_by_tier_and_then_runs_out()
    {
        var tiers = new TrackerTiers([["a1", "a2"], [], ["b1"], ["c1", "c2", "c3"]], new Random(1));
        Assert.Equal(3, tiers.Tiers.Count);
        var tried = new List<string>();
        tiers.BeginRound();
        do tried.Add(tiers.Current!);
        while (tiers.Failed());
        Assert.Null(tiers.Current);
        Assert.Equal(6, tried.Count);
        Assert.Equal(["a1", "a2"], tried[..2].Order());
        Assert.Equal("b1", tried[2]);
        Assert.Equal(["c1", "c2", "c3"], tried[3..].Order());
        Assert.False(tiers.Failed());
    }

    [Fact]
    public void Trackers_are_shuffled_within_their_tier_only()
    {
        var orders = new HashSet<string>();
        for (var seed = 0; seed < 200; seed++)
        {
            var tiers = new TrackerTiers([["a", "b", "c"], ["d", "e"]], new Random(seed));
            Assert.Equal(["a", "b", "c"], tiers.Tiers[0].Order());
            Assert.Equal(["d", "e"], tiers.Tiers[1].Order());
            orders.Add(string.Join(",", tiers.Tiers[0]));
        }
        Assert.Equal(6, orders.Count); // every permutation shows up
    }

    [Fact]
    public void A_tracker_that_answered_moves_to_the_front_of_its_tier_and_the_next_round_starts_at_the_first_tier()
    {
        var tiers = new TrackerTiers([["x"], ["a", "b", "c"]], new Random(5));
        tiers.BeginRound();
        Assert.Equal("x", tiers.Current);
        Assert.True(tiers.Failed());
        var second = tiers.Tiers[1][1];
        Assert.True(tiers.Failed());
        Assert.Equal(second, tiers.Current);
        tiers.Succeeded(second);
        Assert.Equal(second, tiers.Tiers[1][0]);
        Assert.Equal(3, tiers.Tiers[1].Count);
        Assert.Equal("x", tiers.Current);
        Assert.True(tiers.Failed());
        Assert.Equal(second, tiers.Current);
    }

    [Fact]
    public void Repeated_urls_are_kept_once_and_an_empty_list_has_no_current_tracker()
    {
        var tiers = new TrackerTiers([["a", "a"], ["a", "b"]], new Random(1));
        Assert.Equal([["a"], ["b"]], tiers.Tiers.Select(t => t.ToArray()).ToArray());
        var empty = new TrackerTiers([], new Random(1));
        Assert.True(empty.IsEmpty);
        Assert.Null(empty.Current);
        Assert.False(empty.Failed());
        Assert.Equal(-1, empty.TierOf("a"));
    }
}
