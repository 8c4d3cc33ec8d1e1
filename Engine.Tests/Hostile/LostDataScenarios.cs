using Engine.Api;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using Engine.Events;
using Engine.Tests.Scenarios.Kit;
using Engine.Tests.Support;
using Xunit.Abstractions;
using ApiState = Engine.Events.TorrentState;

namespace Engine.Tests.Hostile;

/// <summary>
/// A file truncated or overwritten under a seeding engine: it never serves bytes it has not verified (no zeros, no
/// foreign bytes) — the block is rejected, the torrent reports <see cref="DataLost"/>, checks the file's pieces again,
/// keeps the ones still right and goes back to downloading the others.
/// </summary>
public sealed class LostDataScenarios(ITestOutputHelper output) : Scenario(output)
{
    private const int PieceLength = 32 * 1024;

    /// <summary>Receives until the answer to <paramref name="block"/> comes: its piece (checked against the right bytes) or a reject.</summary>
    private static async Task<bool> AnswerIsServedAsync(ScriptedPeer peer, TorrentLayout layout, BlockRequest block, byte[] expected)
    {
        await peer.RequestAsync(block);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var m = await peer.ReceiveAsync(deadline - DateTime.UtcNow) ?? throw new IOException("the engine closed the connection");
            switch (m)
            {
                case PieceMessage p when p.Piece == block.Piece && p.Offset == block.Offset:
                    var start = (int)(layout.PieceOffset(block.Piece) + block.Offset);
                    var right = p.Data.Span.SequenceEqual(expected.AsSpan(start, block.Length));
                    p.Data.Release();
                    Assert.True(right, $"block {block} was served with bytes we never verified");
                    return true;
                case PieceMessage other:
                    other.Data.Release();
                    break;
                case Reject r when r.Piece == block.Piece && r.Offset == block.Offset:
                    return false;
            }
        }
        throw new TimeoutException($"no answer to {block}");
    }

    private async Task<(GeneratedTorrent Content, TorrentHandle Seed, EventLog Events, ScriptedPeer Leecher)> SeedAndConnectAsync()
    {
        var content = Content("lost", 1024 * 1024, PieceLength, files: 2);
        var engine = StartEngine("seeder");
        var seed = await SeedAsync(engine, content);
        var events = EventsOf(seed);
        var (leecher, _) = await ScriptedLeecher.ConnectAsync(engine.ListenEndPoint!, content.Metainfo.InfoHash);
        await leecher.BecomeUnchokedAsync();
        Assert.True(await AnswerIsServedAsync(leecher, content.Metainfo.Layout, content.Metainfo.Layout.Block(0, 0), ContentBytes(content)));
        return (content, seed, events, leecher);
    }

    [Fact]
    public async Task A_file_truncated_while_seeding_is_never_served_as_zeros_and_its_lost_pieces_are_fetched_again()
    {
        var (content, seed, events, leecher) = await SeedAndConnectAsync();
        await using var _ = leecher;
        var t = content.Metainfo;
        var bytes = ContentBytes(content);
        var file = t.Files[1];
        var path = Path.Combine(content.SeedDirectory, file.Path);
        // (FileShare: .NET's own advisory lock would refuse a file the engine has open; truncate(1) or cp take none.)
        using (var f = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) f.SetLength(file.Length / 2);
        var lastPiece = t.PieceCount - 1;

        Assert.False(await AnswerIsServedAsync(leecher, t.Layout, t.Layout.Block(lastPiece, 0), bytes)); // rejected, not zeros
        var lost = await events.WaitForAsync<DataLost>(timeout: TimeSpan.FromSeconds(10));
        Assert.Equal((int)(file.Offset / PieceLength), lost.FirstPiece);
        Assert.Equal(lastPiece, lost.LastPiece);
        Assert.Contains("shorter", lost.Reason);
        await WaitForStateAsync(seed, ApiState.Downloading, TimeSpan.FromSeconds(10));

        // The re-check keeps the pieces before the cut; the ones after it are missing now.
        var keptEnd = (int)((file.Offset + file.Length / 2) / PieceLength); // the first piece that reaches past the cut
        // The re-check verifies the kept pieces in no particular order: wait (bounded) until all of them are back.
        var map = await seed.GetPieceMapAsync();
        for (var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10); DateTime.UtcNow < deadline && map.VerifiedCount < keptEnd; map = await seed.GetPieceMapAsync())
            await Task.Delay(50);
        for (var piece = lost.FirstPiece; piece <= lastPiece; piece++) Assert.Equal(piece < keptEnd, map.IsVerified(piece));
        Assert.True(await AnswerIsServedAsync(leecher, t.Layout, t.Layout.Block(keptEnd - 1, 0), bytes));
        Assert.False(await AnswerIsServedAsync(leecher, t.Layout, t.Layout.Block(lastPiece, 0), bytes));
        var status = await seed.GetStatusAsync();
        Assert.Equal(keptEnd, status.VerifiedPieces);
        Assert.Equal(0, status.HashFailures); // a re-check blames nobody
    }

    [Fact]
    public async Task A_file_overwritten_while_seeding_is_never_served_and_its_pieces_are_checked_again()
    {
        var (content, seed, events, leecher) = await SeedAndConnectAsync();
        await using var _ = leecher;
        var t = content.Metainfo;
        var bytes = ContentBytes(content);
        var path = Path.Combine(content.SeedDirectory, t.Files[0].Path);
        var other = new byte[t.Files[0].Length];
        new Random(99).NextBytes(other);
        await Task.Delay(20); // past the file system's time granularity since the file was written
        using (var f = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) f.Write(other); // same size, other bytes

        Assert.False(await AnswerIsServedAsync(leecher, t.Layout, t.Layout.Block(1, 0), bytes));
        var lost = await events.WaitForAsync<DataLost>(timeout: TimeSpan.FromSeconds(10));
        Assert.Equal(0, lost.FirstPiece);
        Assert.Contains("changed", lost.Reason);
        await WaitForStateAsync(seed, ApiState.Downloading, TimeSpan.FromSeconds(10));
        var firstKept = (int)((t.Files[0].Length + PieceLength - 1) / PieceLength); // the piece after file 0's last
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((await seed.GetStatusAsync()).VerifiedPieces != t.PieceCount - firstKept)
        {
            Assert.True(DateTime.UtcNow < deadline, $"re-check not done: {(await seed.GetStatusAsync()).VerifiedPieces} pieces verified");
            await Task.Delay(50);
        }
        Assert.False(await AnswerIsServedAsync(leecher, t.Layout, t.Layout.Block(0, 0), bytes));
        Assert.True(await AnswerIsServedAsync(leecher, t.Layout, t.Layout.Block(t.PieceCount - 1, 0), bytes));
    }
}
