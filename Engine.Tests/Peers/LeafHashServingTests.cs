using Engine.Core.Merkle;
using Engine.Core.Metainfo;
using Engine.Core.Wire;
using Engine.Events;
using Engine.Metainfo;
using Engine.Tests.Support;

namespace Engine.Tests.Peers;

/// <summary>
/// BEP 52 leaf-layer hash requests against a real engine seeding a v2-only torrent, from a scripted peer over
/// loopback: the blocks are read from disk and hashed off the connection's actor, and the answer is
/// <see cref="LeafAnswer"/>'s (checked byte for byte against libtorrent's in <c>LibtorrentHashInteropTests</c>);
/// what is out of range is rejected and the connection stays.
/// </summary>
public sealed class LeafHashServingTests : IDisposable
{
    private const int PieceLength = 64 * 1024;
    private readonly string _root = Directory.CreateTempSubdirectory("leaf-hashes-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Leaf_hashes_of_a_seeded_v2_file_are_served_from_disk_with_their_proof()
    {
        var content = new byte[5 * PieceLength - 3000];                 // 20 leaves, 4 a piece; 8 pieces wide
        new Random(21).NextBytes(content);
        var seedDir = Path.Combine(_root, "seed");
        Directory.CreateDirectory(seedDir);
        var file = Path.Combine(seedDir, "leaves.bin");
        File.WriteAllBytes(file, content);
        var torrent = TorrentMetainfo.Parse(TorrentCreator.Create(file, new TorrentCreationOptions { V2Only = true, PieceLength = PieceLength }));
        await using var node = await EngineNode.StartAsync("leaves", torrent, seedDir, _root);
        await node.WaitForAsync(TorrentState.Seeding, TimeSpan.FromSeconds(10));

        var (peer, _) = await ScriptedLeecher.ConnectAsync(node.EndPoint, torrent.InfoHash);
        await using var __ = peer;
        await peer.ReceiveAsync<HaveAll>();                              // our pieces are known to the session: requests may come
        var (root, layer) = MerkleTree.OfFile(content, PieceLength);
        var reference = new MerklePieces([new MerkleFile(content.Length, root, layer!)], PieceLength);
        var leaves = new byte[MerkleTree.Blocks(content.Length) * MerkleTree.HashLength];
        MerkleTree.HashLeaves(content, leaves);

        HashRange[] good = [new(root, 0, 4, 4, 3), new(root, 0, 16, 4, 4), new(root, 0, 0, 16, 1), new(root, 0, 6, 2, 4)];
        HashRange[] bad = [new(root, 0, 3, 2, 0), new(root, 0, 24, 2, 0)];   // not aligned; past the file's last piece
        foreach (var range in good.Concat(bad)) await peer.SendAsync(new HashRequest(range));
        var answers = new List<PeerMessage>();
        while (answers.Count < good.Length + bad.Length)
        {
            var m = await peer.ReceiveAsync(TimeSpan.FromSeconds(10)) ?? throw new IOException($"closed after {answers.Count} answers");
            if (m is Hashes or HashReject) answers.Add(m);
        }
        foreach (var range in good)
        {
            var plan = LeafAnswer.Plan(reference, range)!;
            var read = new byte[plan.PieceCount * plan.LeavesPerPiece * MerkleTree.HashLength];
            var from = plan.FirstPiece * plan.LeavesPerPiece * MerkleTree.HashLength;
            leaves.AsSpan(from, Math.Min(read.Length, leaves.Length - from)).CopyTo(read);
            Assert.Contains(new Hashes(range, LeafAnswer.Answer(reference, range, plan, read)), answers);
        }
        foreach (var range in bad) Assert.Contains(new HashReject(range), answers);
    }

    [Fact]
    public async Task A_seeded_hybrid_answers_a_v2_peer_on_its_v2_hash_from_its_v2_half()
    {
        var dir = Path.Combine(_root, "hseed", "hybrid");
        Directory.CreateDirectory(dir);
        var a = new byte[3 * PieceLength + 100];                          // 4 pieces, then padding to the next piece
        var b = new byte[2 * PieceLength + 5];                            // 3 pieces: global pieces 4..6
        new Random(22).NextBytes(a);
        new Random(23).NextBytes(b);
        File.WriteAllBytes(Path.Combine(dir, "a.bin"), a);
        File.WriteAllBytes(Path.Combine(dir, "b.bin"), b);
        var torrent = TorrentMetainfo.Parse(TorrentCreator.Create(dir, new TorrentCreationOptions { Hybrid = true, PieceLength = PieceLength }));
        Assert.True(torrent.IsHybrid);
        await using var node = await EngineNode.StartAsync("hybrid", torrent, Path.Combine(_root, "hseed"), _root);
        await node.WaitForAsync(TorrentState.Seeding, TimeSpan.FromSeconds(10));

        var v2Hash = Engine.Core.Primitives.InfoHash.FromBytes(torrent.InfoHashV2.Span[..20]);
        var (peer, theirs) = await ScriptedLeecher.ConnectAsync(node.EndPoint, v2Hash);   // met on the v2 hash: the v2 swarm
        await using var __ = peer;
        Assert.Equal(v2Hash, theirs.InfoHash);
        await peer.ReceiveAsync<HaveAll>();
        var (rootB, layerB) = MerkleTree.OfFile(b, PieceLength);
        var reference = new MerklePieces([new MerkleFile(a.Length, MerkleTree.OfFile(a, PieceLength).Root, MerkleTree.OfFile(a, PieceLength).Layer!),
            new MerkleFile(b.Length, rootB, layerB!)], PieceLength);
        var layerRange = new HashRange(rootB, 2, 0, 4, 1);              // b's padded piece layer
        var leafRange = new HashRange(rootB, 0, 4, 4, 3);               // b's second piece's leaves, proof up to the root
        await peer.SendAsync(new HashRequest(layerRange));
        await peer.SendAsync(new HashRequest(leafRange));
        var answers = new List<PeerMessage>();
        while (answers.Count < 2)
        {
            var m = await peer.ReceiveAsync(TimeSpan.FromSeconds(10)) ?? throw new IOException($"closed after {answers.Count} answers");
            if (m is Hashes or HashReject) answers.Add(m);
        }
        Assert.Contains(new Hashes(layerRange, HashAnswer.Answer(reference, layerRange)!), answers);
        var leaves = new byte[MerkleTree.Blocks(b.Length) * MerkleTree.HashLength];
        MerkleTree.HashLeaves(b, leaves);
        var plan = LeafAnswer.Plan(reference, leafRange)!;
        Assert.Equal(5, plan.FirstPiece);
        Assert.Contains(new Hashes(leafRange, LeafAnswer.Answer(reference, leafRange, plan, leaves.AsSpan(4 * MerkleTree.HashLength, 4 * MerkleTree.HashLength))), answers);
    }
}
