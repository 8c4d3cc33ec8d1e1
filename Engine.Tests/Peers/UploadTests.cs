using Engine.Core.Primitives;
using Engine.Core.Wire;
using Engine.Events;
using Engine.Limits;
using Engine.Tests.Support;

namespace Engine.Tests.Peers;

/// <summary>
/// Serving requests, against a real engine that seeds (or partly seeds) from disk, played by scripted peers
/// over loopback: what is served, what is rejected, cancel and choke, and peers that break the rules.
/// </summary>
public sealed class UploadTests
{
    private const int PieceLength = 64 * 1024;

    private static GeneratedTorrent Data(string name) => GeneratedTorrent.Create(name, [("data.bin", 40 * PieceLength + 1234)], PieceLength, seed: name.Length);

    private static byte[] Content(GeneratedTorrent data) => File.ReadAllBytes(Path.Combine(data.SeedDirectory, data.Metainfo.Name, "data.bin"));

    private static async Task<EngineNode> Seed(GeneratedTorrent data, RateLimits limits = default)
    {
        var node = await EngineNode.StartAsync(data.Metainfo.Name, data.Metainfo, data.SeedDirectory, data.Root, limits);
        await node.WaitForAsync(TorrentState.Seeding, TimeSpan.FromSeconds(10));
        return node;
    }

    private static async Task<ScriptedPeer> Unchoked(EngineNode node, GeneratedTorrent data)
    {
        var (peer, _) = await ScriptedLeecher.ConnectAsync(node.EndPoint, data.Metainfo.InfoHash);
        await peer.BecomeUnchokedAsync();
        return peer;
    }

    [Fact]
    public async Task A_piece_we_do_not_have_is_rejected_and_the_others_are_served()
    {
        using var data = Data("partial-seed");
        var content = Content(data);
        // Spoil piece 5 on disk: the hash check leaves the engine without it.
        using (var f = File.OpenWrite(Path.Combine(data.SeedDirectory, data.Metainfo.Name, "data.bin")))
        {
            f.Position = 5L * PieceLength + 100;
            f.Write(new byte[10]);
        }
        await using var node = await EngineNode.StartAsync("partial-seed", data.Metainfo, data.SeedDirectory, data.Root);
        await node.WaitForAsync(TorrentState.Downloading, TimeSpan.FromSeconds(10));
        var (peer, _) = await ScriptedLeecher.ConnectAsync(node.EndPoint, data.Metainfo.InfoHash);
        await using var _ = peer;
        var bitfield = Engine.Core.Pieces.Bitfield.FromWire((await peer.ReceiveAsync<BitfieldMessage>()).Bits, data.Metainfo.PieceCount);
        Assert.False(bitfield[5]);
        Assert.Equal(data.Metainfo.PieceCount - 1, bitfield.SetCount);
        await peer.BecomeUnchokedAsync();

        var missing = data.Metainfo.Layout.Block(5, 0);
        await peer.RequestAsync(missing);
        var reject = await peer.ReceiveAsync<Reject>();
        Assert.Equal(missing, new BlockRequest(reject.Piece, reject.Offset, reject.Length));
        await peer.FetchAndCheckAsync(data.Metainfo.Layout, data.Metainfo.Layout.Block(6, 3), content);
        // The last block of the last (short) piece.
        var last = data.Metainfo.Layout.Block(data.Metainfo.PieceCount - 1, data.Metainfo.Layout.BlockCount(data.Metainfo.PieceCount - 1) - 1);
        await peer.FetchAndCheckAsync(data.Metainfo.Layout, last, content);
    }

    /// <summary>100 requests queue up behind a 1 MiB/s limit; the last 20 are cancelled at once.</summary>
    [Fact]
    public async Task Cancelled_requests_are_rejected_and_never_served()
    {
        using var data = Data("cancel-seed");
        var content = Content(data);
        await using var node = await Seed(data, new RateLimits(1024 * 1024, 0));
        await using var peer = await Unchoked(node, data);
        var layout = data.Metainfo.Layout;
        var blocks = Enumerable.Range(0, 25).SelectMany(p => Enumerable.Range(0, 4).Select(b => layout.Block(p, b))).ToList();
        foreach (var b in blocks) await peer.RequestAsync(b);
        var cancelled = blocks.TakeLast(20).ToHashSet();
        foreach (var b in cancelled) await peer.SendAsync(new Cancel(b.Piece, b.Offset, b.Length));

        var served = new HashSet<BlockRequest>();
        var rejected = new HashSet<BlockRequest>();
        while (served.Count + rejected.Count < blocks.Count)
        {
            var m = await peer.ReceiveAsync(TimeSpan.FromSeconds(10)) ?? throw new IOException("closed");
            if (m is PieceMessage p)
            {
                var block = new BlockRequest(p.Piece, p.Offset, p.Data.Length);
                Assert.True(p.Data.Span.SequenceEqual(content.AsSpan((int)(layout.PieceOffset(p.Piece) + p.Offset), p.Data.Length)));
                p.Data.Release();
                served.Add(block);
            }
            else if (m is Reject r) rejected.Add(new BlockRequest(r.Piece, r.Offset, r.Length));
        }
        Assert.Equal(cancelled, rejected);
        Assert.Equal(blocks.Take(80).ToHashSet(), served);
    }

    [Fact]
    public async Task Choking_a_peer_rejects_its_queued_requests_and_sends_no_more_blocks()
    {
        using var data = Data("choke-seed");
        await using var node = await Seed(data, new RateLimits(1024 * 1024, 0));
        await using var peer = await Unchoked(node, data);
        var layout = data.Metainfo.Layout;
        var blocks = Enumerable.Range(0, 25).SelectMany(p => Enumerable.Range(0, 4).Select(b => layout.Block(p, b))).ToList();
        foreach (var b in blocks) await peer.RequestAsync(b);
        // A peer that loses interest is choked at once (its slot goes to someone who wants it).
        await peer.SendAsync(NotInterested.Instance);

        var served = 0;
        var rejected = 0;
        var choked = false;
        while (served + rejected < blocks.Count)
        {
            var m = await peer.ReceiveAsync(TimeSpan.FromSeconds(10)) ?? throw new IOException("closed");
            switch (m)
            {
                case PieceMessage p:
                    p.Data.Release();
                    Assert.False(choked, "a block came after the choke");
                    served++;
                    break;
                case Choke: choked = true; break;
                case Reject: rejected++; break;
            }
        }
        Assert.True(choked);
        Assert.True(rejected > 20, $"only {rejected} of 100 queued requests were discarded ({served} served)");
    }

    [Fact]
    public async Task A_block_whose_file_is_gone_is_rejected_not_sent_as_zeros_and_its_pieces_are_missing_again()
    {
        using var data = Data("vanished-seed");
        await using var node = await Seed(data);
        await using var peer = await Unchoked(node, data);
        // Deleted after the hash check and before the first upload read opens it: the read must fail.
        File.Delete(Path.Combine(data.SeedDirectory, data.Metainfo.Name, "data.bin"));
        var wanted = data.Metainfo.Layout.Block(7, 2);
        await peer.RequestAsync(wanted);
        PeerMessage? answer;
        do answer = await peer.ReceiveAsync(TimeSpan.FromSeconds(10));
        while (answer is not (Reject or PieceMessage or null));
        if (answer is PieceMessage p) p.Data.Release();
        var reject = Assert.IsType<Reject>(answer);
        Assert.Equal(wanted, new BlockRequest(reject.Piece, reject.Offset, reject.Length));
        // Its pieces are no longer ours: checked again (nothing there), they are missing, and the seed is a downloader again.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var status = await node.StatusAsync();
        while ((status.State != TorrentState.Downloading || status.VerifiedPieces != 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            status = await node.StatusAsync();
        }
        Assert.Equal(TorrentState.Downloading, status.State);
        Assert.Equal(0, status.VerifiedPieces);
        Assert.Equal(0, status.HashFailures);
    }

    public enum Violation { RequestOver16KiB, RequestPastPieceEnd, RequestsWhileChoked, BitfieldSpareBits }

    [Theory]
    [InlineData(Violation.RequestOver16KiB)]
    [InlineData(Violation.RequestPastPieceEnd)]
    [InlineData(Violation.RequestsWhileChoked)]
    [InlineData(Violation.BitfieldSpareBits)]
    public async Task A_peer_that_breaks_the_protocol_is_dropped_and_a_well_behaved_one_keeps_downloading(Violation violation)
    {
        using var data = Data("violation-" + violation);
        var content = Content(data);
        var layout = data.Metainfo.Layout;
        await using var node = await Seed(data);
        await using var good = await Unchoked(node, data);
        await good.FetchAndCheckAsync(layout, layout.Block(1, 0), content);

        var (bad, _) = await ScriptedLeecher.ConnectAsync(node.EndPoint, data.Metainfo.InfoHash);
        await using var _ = bad;
        await bad.ReceiveAsync<HaveAll>();
        switch (violation)
        {
            case Violation.RequestOver16KiB:
                await bad.BecomeUnchokedAsync();
                await bad.SendAsync(new Request(2, 0, 16 * 1024 + 1));
                break;
            case Violation.RequestPastPieceEnd:
                await bad.BecomeUnchokedAsync();
                await bad.SendAsync(new Request(2, PieceLength - 8 * 1024, 16 * 1024));
                break;
            case Violation.RequestsWhileChoked:
                // Never interested, so never unchoked: a few racing requests are tolerated, a stream is not.
                for (var i = 0; i <= new Engine.Core.Peers.PeerSettings().ChokedRequestGrace; i++)
                    await bad.RequestAsync(layout.Block(i % 40, 0));
                break;
            case Violation.BitfieldSpareBits:
                // 41 pieces: 6 bytes, the last 7 bits are spare and must be zero.
                var bits = new byte[layout.BitfieldLength];
                bits[^1] = 0xFF;
                await bad.SendAsync(new BitfieldMessage(bits));
                break;
        }
        Assert.True(await bad.WaitClosedAsync(TimeSpan.FromSeconds(5)), $"the engine kept a peer after {violation}");

        // The other peer is not affected.
        for (var piece = 2; piece < 6; piece++)
            await good.FetchAndCheckAsync(layout, layout.Block(piece, 2), content);
        // The socket closes before the manager has forgotten the peer: give it a moment.
        var peers = await node.PeersAsync();
        for (var i = 0; i < 50 && peers.Count != 1; i++)
        {
            await Task.Delay(50);
            peers = await node.PeersAsync();
        }
        Assert.Equal(good.Id, Assert.Single(peers).PeerId);
    }
}
