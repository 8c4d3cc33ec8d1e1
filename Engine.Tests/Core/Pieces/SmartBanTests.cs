using Engine.Core.Pieces;

namespace Engine.Tests.Core.Pieces;

/// <summary>Smart ban alone: who is guilty when a failed piece's good copy arrives, the sole-source rule, and its bounds.</summary>
public sealed class SmartBanTests
{
    private static readonly UInt128 Good0 = 100, Good1 = 101, Good2 = 102, Good3 = 103, Bad = 666;
    private static readonly UInt128[] GoodCopy = [Good0, Good1, Good2, Good3];

    [Fact]
    public void When_the_good_copy_arrives_only_the_peer_whose_block_differs_is_guilty_and_the_others_are_cleared()
    {
        var ban = new SmartBan<string>();
        var verdict = ban.PieceFailed(7, ["honest", "liar", "honest", "other"], [Good0, Bad, Good2, Good3]);
        Assert.True(verdict.IsEmpty);
        Assert.True(ban.IsSuspect(7));

        verdict = ban.PiecePassed(7, GoodCopy);
        Assert.Equal(["liar"], verdict.Guilty);
        Assert.Equal(["honest", "other"], verdict.Cleared.Order());
        Assert.False(ban.IsSuspect(7));
    }

    [Fact]
    public void A_peer_that_alone_sent_two_failed_pieces_is_guilty_at_the_second()
    {
        var ban = new SmartBan<string>();
        Assert.True(ban.PieceFailed(1, ["liar", "liar"], [Bad, Bad]).IsEmpty);
        Assert.Equal(1, ban.SoleFailures("liar"));
        Assert.Equal(["liar"], ban.PieceFailed(2, ["liar", "liar"], []).Guilty);
        Assert.Equal(0, ban.SoleFailures("liar"));
    }

    [Fact]
    public void A_failed_piece_with_several_sources_counts_against_none_of_them()
    {
        var ban = new SmartBan<string>();
        for (var piece = 0; piece < 10; piece++)
            Assert.True(ban.PieceFailed(piece, ["a", "b", "a", "b"], [Good0, Bad, Good2, Bad]).IsEmpty);
        Assert.Equal(0, ban.SoleFailures("a"));
        Assert.Equal(0, ban.SoleFailures("b"));
        Assert.Equal(10, ban.TrackedPieces);
    }

    [Fact]
    public void A_sole_source_whose_blocks_match_the_good_copy_is_cleared_of_that_failure()
    {
        // E.g. the failed copy was damaged on our side: every block it sent turns out right.
        var ban = new SmartBan<string>();
        ban.PieceFailed(3, ["a", "a", "a", "a"], GoodCopy);
        Assert.Equal(1, ban.SoleFailures("a"));
        var verdict = ban.PiecePassed(3, GoodCopy);
        Assert.Empty(verdict.Guilty);
        Assert.Equal(["a"], verdict.Cleared);
        Assert.Equal(0, ban.SoleFailures("a"));
        Assert.True(ban.PieceFailed(4, ["a", "a"], []).IsEmpty); // a fresh count, not a second strike
    }

    [Fact]
    public void Blocks_of_unknown_senders_are_ignored_and_a_piece_failing_twice_keeps_both_copies()
    {
        var ban = new SmartBan<string>();
        ban.PieceFailed(5, [null, "x", "y", null], [Bad, Bad, Good2, Bad]);
        ban.PieceFailed(5, ["z", "z", "z", "z"], [Good0, Good1, Good2, Bad]);
        var verdict = ban.PiecePassed(5, GoodCopy);
        Assert.Equal(["x", "z"], verdict.Guilty.Order());
        Assert.Equal(["y"], verdict.Cleared);
    }

    [Fact]
    public void A_good_copy_of_a_piece_never_failed_judges_nobody_and_unreadable_digests_forget_the_piece()
    {
        var ban = new SmartBan<string>();
        Assert.True(ban.PiecePassed(9, GoodCopy).IsEmpty);
        ban.PieceFailed(9, ["a", "b", "a", "b"], [Bad, Good1, Bad, Good3]);
        Assert.True(ban.PiecePassed(9, []).IsEmpty);
        Assert.False(ban.IsSuspect(9));
    }

    [Fact]
    public void Memory_is_bounded_the_oldest_failed_pieces_and_suspects_are_forgotten_first()
    {
        var ban = new SmartBan<string>(maxPieces: 8, maxSuspects: 8);
        for (var piece = 0; piece < 1000; piece++)
        {
            ban.PieceFailed(piece, ["p" + piece, "p" + piece], [Bad, Bad]);
            if (piece % 3 == 0) ban.PiecePassed(piece, [Good0, Good1]); // some judged in between
        }
        Assert.True(ban.TrackedPieces <= 8);
        Assert.True(ban.Suspects <= 8);
        Assert.True(ban.IsSuspect(998));
        Assert.False(ban.IsSuspect(500));
        Assert.Equal(1, ban.SoleFailures("p998"));
        Assert.Equal(0, ban.SoleFailures("p500"));
    }

    [Fact]
    public void Random_swarms_ban_exactly_the_liars_once_every_failed_piece_passes()
    {
        var random = new Random(21);
        for (var round = 0; round < 200; round++)
        {
            var peers = Enumerable.Range(0, random.Next(2, 8)).Select(i => "peer" + i).ToArray();
            var liars = peers.Where(_ => random.Next(3) == 0).ToHashSet();
            var ban = new SmartBan<string>();
            var guilty = new HashSet<string>();
            for (var piece = 0; piece < 30; piece++)
            {
                var blocks = random.Next(1, 9);
                var good = Enumerable.Range(0, blocks).Select(b => (UInt128)(piece * 100 + b)).ToArray();
                var senders = Enumerable.Range(0, blocks).Select(_ => peers[random.Next(peers.Length)]).ToArray();
                var written = senders.Select((p, b) => liars.Contains(p) ? (UInt128)(999_000 + b) : good[b]).ToArray();
                if (written.SequenceEqual(good)) continue; // it passed: nothing to judge
                foreach (var p in ban.PieceFailed(piece, senders, written).Guilty) guilty.Add(p);
                foreach (var p in ban.PiecePassed(piece, good).Guilty) guilty.Add(p);
            }
            Assert.Subset(liars, guilty);
            Assert.Subset(guilty, liars);
        }
    }
}
