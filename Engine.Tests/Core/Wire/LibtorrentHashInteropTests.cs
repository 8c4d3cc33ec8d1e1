using System.Net.Sockets;
using Engine.Core.Buffers;
using Engine.Core.Merkle;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using Xunit.Abstractions;

namespace Engine.Tests.Core.Wire;

/// <summary>
/// BEP 52 hash requests sent with our codec to a real libtorrent seeding a v2-only torrent: its 'hashes' answers decode,
/// and carry exactly what <see cref="HashAnswer"/> answers for the same range (the base hashes, then the uncles).
/// </summary>
[Trait("Category", "Interop")]
public class LibtorrentHashInteropTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(16384)]     // 19 pieces: the piece layer is the leaf layer, 32 wide, 5 levels under the root
    [InlineData(65536)]     // 5 pieces: layer 2, 8 wide, 3 levels under the root
    public async Task Libtorrents_answers_to_hash_requests_are_ours_byte_for_byte(int pieceLength)
    {
        var content = WireSamples.Bytes(300_000, 52);
        using var seed = new LibtorrentSeed(content, pieceLength, v2Only: true);
        var (root, layer) = MerkleTree.OfFile(content, pieceLength);
        var pieces = new MerklePieces([new MerkleFile(content.Length, root, layer!)], pieceLength);
        var tree = pieces.Tree(0)!;
        var layerIndex = HashAnswer.PieceLayer(pieceLength);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;

        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", seed.Port, ct);
        var stream = client.GetStream();
        await stream.WriteAsync(new Handshake(seed.InfoHash, PeerId.CreateOurs(), supportsExtensions: true, supportsFast: true).ToArray(), ct);
        var handshake = new byte[Handshake.Length];
        await stream.ReadExactlyAsync(handshake, ct);
        Assert.True(Handshake.TryParse(handshake, out var theirs, out var error), error);
        Assert.Equal(seed.InfoHash, theirs.InfoHash);                 // libtorrent knows a v2-only torrent by the truncated v2 hash

        var last = pieces.PiecesInFile(0) - 1;
        HashRange[] ranges =
        [
            new(root, layerIndex, 0, tree.Width, 0),                   // the whole padded piece layer
            new(root, layerIndex, tree.Width / 2, 2, tree.Height - 1), // a pair with its proof up to the root
            new(root, layerIndex, 0, 4, tree.Height - 1),
            new(root, layerIndex, last, 1, tree.Height - 1),           // the last piece alone: cut short by the end of the file
        ];
        // (libtorrent also answers an index that is not a multiple of the length, which BEP 52 forbids; we reject it.)
        foreach (var range in ranges) await stream.WriteAsync(MessageWriter.Encode(new HashRequest(range)), ct);

        var pool = new BlockPool(4);
        using var decoder = new FrameDecoder(pool);
        var answers = new List<PeerMessage>();
        var buffer = new byte[65536];
        while (answers.Count < ranges.Length)
        {
            var n = await stream.ReadAsync(buffer, ct);
            Assert.True(n > 0, $"libtorrent closed the connection after {string.Join(", ", answers)}");
            var messages = new List<PeerMessage>();
            Assert.Null(decoder.Feed(buffer.AsSpan(0, n), messages));
            answers.AddRange(messages.Where(m => m is Hashes or HashReject));
        }
        log.WriteLine(string.Join("\n", answers));
        await AssembleTheLayerFromLibtorrent(stream, decoder, pieces, ct);
        foreach (var range in ranges)
        {
            var theirsFor = answers.Single(m => m is Hashes h && h.Range.Equals(range) || m is HashReject r && r.Range.Equals(range));
            var ours = HashAnswer.Answer(pieces, range);
            if (theirsFor is HashReject) Assert.Null(ours);
            else Assert.Equal(ours, ((Hashes)theirsFor).Data);
        }
    }

    [Theory]
    [InlineData(65536)]     // 4 leaves a piece, 19 leaves, 32 wide: uncles inside a piece and above it
    [InlineData(16384)]     // a piece a leaf
    public async Task Libtorrents_answers_to_leaf_layer_requests_are_ours_byte_for_byte(int pieceLength)
    {
        var content = WireSamples.Bytes(300_000, 53);
        using var seed = new LibtorrentSeed(content, pieceLength, v2Only: true);
        var (root, layer) = MerkleTree.OfFile(content, pieceLength);
        var pieces = new MerklePieces([new MerkleFile(content.Length, root, layer!)], pieceLength);
        var leaves = new byte[MerkleTree.Blocks(content.Length) * MerkleTree.HashLength];
        MerkleTree.HashLeaves(content, leaves);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", seed.Port, ct);
        var stream = client.GetStream();
        await stream.WriteAsync(new Handshake(seed.InfoHash, PeerId.CreateOurs(), supportsExtensions: true, supportsFast: true).ToArray(), ct);
        await stream.ReadExactlyAsync(new byte[Handshake.Length], ct);

        HashRange[] ranges =
        [
            new(root, 0, 0, 4, 0),
            new(root, 0, 4, 2, 4),                                     // a pair with its proof up to the root
            new(root, 0, 8, 4, 3),
            new(root, 0, 16, 3, 4),                                    // the last 3 leaves: cut short by the end of the file
            new(root, 0, 0, 16, 1),
            new(root, 0, 18, 1, 4),                                    // the last leaf alone, proved as its pair
        ];
        foreach (var range in ranges) await stream.WriteAsync(MessageWriter.Encode(new HashRequest(range)), ct);
        var pool = new BlockPool(4);
        using var decoder = new FrameDecoder(pool);
        var answers = new List<PeerMessage>();
        var buffer = new byte[65536];
        while (answers.Count < ranges.Length)
        {
            var n = await stream.ReadAsync(buffer, ct);
            Assert.True(n > 0, $"libtorrent closed the connection after {string.Join(", ", answers)}");
            var messages = new List<PeerMessage>();
            Assert.Null(decoder.Feed(buffer.AsSpan(0, n), messages));
            answers.AddRange(messages.Where(m => m is Hashes or HashReject));
        }
        log.WriteLine(string.Join("\n", answers));
        foreach (var range in ranges)
        {
            var theirsFor = answers.Single(m => m is Hashes h && h.Range.Equals(range) || m is HashReject r && r.Range.Equals(range));
            var plan = LeafAnswer.Plan(pieces, range);
            Assert.True(theirsFor is Hashes, $"libtorrent rejected {range}");
            Assert.NotNull(plan);
            var read = new byte[plan.PieceCount * plan.LeavesPerPiece * MerkleTree.HashLength];
            var from = plan.FirstPiece * plan.LeavesPerPiece * MerkleTree.HashLength;
            leaves.AsSpan(from, Math.Min(read.Length, leaves.Length - from)).CopyTo(read);
            Assert.Equal(((Hashes)theirsFor).Data, LeafAnswer.Answer(pieces, range, plan, read));
        }
    }

    /// <summary>The layer asked for as a leecher without it would (<see cref="LayerAssembly"/>), from libtorrent's answers.</summary>
    private static async Task AssembleTheLayerFromLibtorrent(NetworkStream stream, FrameDecoder decoder, MerklePieces known, CancellationToken ct)
    {
        var unknown = new MerklePieces([known.File(0) with { Layer = ReadOnlyMemory<byte>.Empty }], known.PieceLength);
        var assembly = new LayerAssembly(unknown);
        var requests = assembly.Requests();
        Assert.NotEmpty(requests);
        foreach (var range in requests) await stream.WriteAsync(MessageWriter.Encode(new HashRequest(range)), ct);
        var buffer = new byte[65536];
        for (var answered = 0; answered < requests.Count;)
        {
            var n = await stream.ReadAsync(buffer, ct);
            Assert.True(n > 0, "libtorrent closed the connection");
            var messages = new List<PeerMessage>();
            Assert.Null(decoder.Feed(buffer.AsSpan(0, n), messages));
            foreach (var m in messages)
            {
                if (m is HashReject reject) Assert.Fail($"libtorrent rejected {reject.Range}");
                if (m is not Hashes hashes) continue;
                Assert.True(assembly.Add(hashes.Range, hashes.Data), $"libtorrent's answer to {hashes.Range} was refused");
                answered++;
            }
        }
        Assert.Equal(0, unknown.MissingLayers);
        Assert.Equal(known.Layer(0).ToArray(), unknown.Layer(0).ToArray());
    }
}
