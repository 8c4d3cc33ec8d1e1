using Engine.Events;
using Engine.Tests.Scenarios.Kit;
using Xunit.Abstractions;

namespace Engine.Tests.Scenarios;

/// <summary>BEP 52 swarm stories told with the scenario kit: what the merkle trees of a v2 torrent change for the engine.</summary>
public sealed class V2Scenarios(ITestOutputHelper output) : Scenario(output)
{
    [Fact]
    public async Task A_peer_that_sends_a_bad_block_in_a_v2_torrent_is_identified_from_the_merkle_proof()
    {
        var album = Content("album", 8 * 1024 * 1024, pieceLength: 256 * 1024, files: 1, v2Only: true); // 32 pieces of 16 blocks
        var liar = ScriptedSeed(album, SeedBehaviour.CorruptOneBlock);
        var honest = ScriptedSeed(album, SeedBehaviour.Honest);                           // answers leaf-layer hash requests
        var me = StartEngine("me");

        var (download, events) = await LeechAsync(me, album);
        download.AddPeers([liar.EndPoint, honest.EndPoint]);

        var banned = await events.WaitForAsync<PeerDropped>(d => d.EndPoint.Equals(liar.EndPoint), TimeSpan.FromSeconds(30));
        await events.WaitForAsync<Completed>(timeout: TimeSpan.FromSeconds(30));
        album.AssertSameData(download.SaveDirectory);
        var (piece, offset) = liar.Corrupted ?? throw new InvalidOperationException("the liar sent no bad block");
        WriteLine($"{banned.Reason}; bad block {piece}@{offset}; blocks of piece {piece} asked for: {liar.Requests.Concat(honest.Requests).Count(r => r.Piece == piece)}; served in all {liar.BlocksServed + honest.BlocksServed} of 512");
        Assert.StartsWith("banned:", banned.Reason);
        Assert.Contains("merkle", banned.Reason);
        Assert.Contains($"of piece {piece}", banned.Reason);
        Assert.Equal(1, (await download.GetStatusAsync()).HashFailures);             // the one bad block: nothing else failed
        // Of the failed piece only the bad block was asked for again; its good blocks were fetched once.
        var asked = liar.Requests.Concat(honest.Requests).Where(r => r.Piece == piece).GroupBy(r => r.Offset).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(2, asked[offset]);
        Assert.All(asked.Where(a => a.Key != offset), a => Assert.Equal(1, a.Value));
        Assert.Equal(16, asked.Count);
    }

    [Fact]
    public async Task Without_merkle_trees_the_same_bad_block_costs_its_whole_piece_again()
    {
        // The v1 contrast to the story above: smart ban fetches the failed piece again whole and bans the liar once a
        // good copy passes and its block differs.
        var album = Content("album", 8 * 1024 * 1024, pieceLength: 256 * 1024, files: 1);
        var liar = ScriptedSeed(album, SeedBehaviour.CorruptOneBlock);
        var honest = ScriptedSeed(album, SeedBehaviour.Honest);
        var me = StartEngine("me");

        var (download, events) = await LeechAsync(me, album);
        download.AddPeers([liar.EndPoint, honest.EndPoint]);

        var banned = await events.WaitForAsync<PeerDropped>(d => d.EndPoint.Equals(liar.EndPoint), TimeSpan.FromSeconds(30));
        await events.WaitForAsync<Completed>(timeout: TimeSpan.FromSeconds(30));
        album.AssertSameData(download.SaveDirectory);
        var (piece, _) = liar.Corrupted ?? throw new InvalidOperationException("the liar sent no bad block");
        var asked = liar.Requests.Concat(honest.Requests).Where(r => r.Piece == piece).GroupBy(r => r.Offset).ToDictionary(g => g.Key, g => g.Count());
        WriteLine($"{banned.Reason}; blocks of piece {piece} asked for: {asked.Values.Sum()}; served in all {liar.BlocksServed + honest.BlocksServed} of 512");
        Assert.Contains("differ from the copy that passed", banned.Reason);
        Assert.All(asked.Values, n => Assert.True(n >= 2));
    }
}
