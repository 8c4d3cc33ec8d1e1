using System.Net;
using Engine.Core.Dht;

namespace Engine.Tests.Core.Dht;

public sealed class DhtLookupTests
{
    private static DhtContact At(NodeId id, int n) => new(id, new IPEndPoint(IPAddress.Parse("10.1.0." + (n % 250 + 1)), 1000 + n));

    [Fact]
    public void A_lookup_keeps_three_queries_in_flight_to_the_closest_new_candidates()
    {
        var rng = new Random(13);
        var target = NodeId.Random(rng);
        var seeds = Enumerable.Range(0, 10).Select(i => At(NodeId.Random(rng), i)).ToList();
        var lookup = new DhtLookup(1, target, getPeers: false, seeds);
        var first = lookup.Next();
        Assert.Equal(seeds.OrderBy(s => s.Id.Xor(target)).Take(3), first);
        Assert.Empty(lookup.Next());
        lookup.OnFailure(first[0]);
        Assert.Equal(seeds.OrderBy(s => s.Id.Xor(target)).Skip(3).Take(1), lookup.Next());
        Assert.False(lookup.IsDone);
    }

    [Fact]
    public void Answers_bring_closer_nodes_and_the_lookup_ends_when_the_k_closest_standing_have_answered()
    {
        var rng = new Random(14);
        var target = NodeId.Random(rng);
        // A world of 300 nodes; each knows the 8 nodes closest to the target among a random 40.
        var world = Enumerable.Range(0, 300).Select(i => At(NodeId.Random(rng), i)).ToList();
        var lookup = new DhtLookup(1, target, getPeers: true, world.Take(3));
        var hops = 0;
        while (!lookup.IsDone && hops++ < 200)
            foreach (var c in lookup.Next())
            {
                var known = world.OrderBy(_ => rng.Next()).Take(40).OrderBy(w => w.Id.Xor(target)).Take(8).ToList();
                lookup.OnAnswer(c, known, [new IPEndPoint(IPAddress.Parse("192.0.2.1"), 7)], [1, 2]);
            }
        Assert.True(lookup.IsDone);
        var answered = lookup.ClosestWithTokens();
        Assert.Equal(8, answered.Count);
        Assert.Single(lookup.Peers);
        Assert.True(lookup.Rounds >= 2);
        Assert.True(lookup.Queried <= 64);
    }

    [Fact]
    public void A_router_whose_id_was_unknown_takes_its_place_by_distance_once_it_answers()
    {
        var rng = new Random(15);
        var target = NodeId.Random(rng);
        var router = new DhtContact(default, new IPEndPoint(IPAddress.Parse("198.51.100.1"), 6881));
        var lookup = new DhtLookup(1, target, getPeers: false, [router]);
        Assert.Equal([router], lookup.Next());
        var real = router with { Id = NodeId.Random(rng) };
        var named = Enumerable.Range(0, 4).Select(i => At(NodeId.Random(rng), i)).ToList();
        lookup.OnAnswer(real, named, [], null);
        Assert.Equal(1, lookup.Answered);
        Assert.Equal(3, lookup.Next().Count);
    }

    [Fact]
    public void A_lookup_with_no_one_to_ask_is_done_at_once_and_one_whose_candidates_all_fail_ends()
    {
        var empty = new DhtLookup(1, default, getPeers: false, []);
        Assert.True(empty.IsDone);
        Assert.Empty(empty.Next());

        var rng = new Random(16);
        var seeds = Enumerable.Range(0, 5).Select(i => At(NodeId.Random(rng), i)).ToList();
        var lookup = new DhtLookup(2, NodeId.Random(rng), getPeers: false, seeds);
        for (var round = 0; round < 5 && !lookup.IsDone; round++)
            foreach (var c in lookup.Next()) lookup.OnFailure(c);
        Assert.True(lookup.IsDone);
        Assert.Equal(0, lookup.Answered);
    }
}
