using System.Security.Cryptography;
using System.Text;
using Engine.Core.Bencode;
using Engine.Core.Merkle;
using Engine.Core.Metainfo;

namespace Engine.Tests.Core.Metainfo;

/// <summary>BEP 52 v2-only info dictionaries: file tree, piece layers, the v2 info-hash.</summary>
public class V2MetainfoTests
{
    private const int Piece = 16384;
    private static readonly byte[] SomeRoot = Enumerable.Repeat((byte)7, 32).ToArray();

    private static BDictionaryBuilder FileNode(long length, byte[]? root) =>
        new BDictionaryBuilder().Add("", root is null ? new BDictionaryBuilder().Add("length", length)
            : new BDictionaryBuilder().Add("length", length).Add("pieces root", root));

    private static BDictionaryBuilder Info(BDictionaryBuilder tree, int pieceLength = Piece) =>
        new BDictionaryBuilder().Add("name", "t").Add("piece length", pieceLength).Add("meta version", 2).Add("file tree", tree);

    /// <summary>A torrent with an optional one-entry 'piece layers' (binary key, so written by hand).</summary>
    private static byte[] Torrent(BDictionaryBuilder info, byte[]? layerRoot = null, byte[]? layer = null)
    {
        var infoBytes = new BDictionaryBuilder().Add("info", info).ToArray();
        if (layerRoot is null) return infoBytes;
        var head = infoBytes.AsSpan(0, infoBytes.Length - 1).ToArray();
        var tail = Encoding.ASCII.GetBytes($"12:piece layersd32:").Concat(layerRoot)
            .Concat(Encoding.ASCII.GetBytes($"{layer!.Length}:")).Concat(layer).Concat("ee"u8.ToArray());
        return [.. head, .. tail];
    }

    private static (byte[] Layer, byte[] Root) TwoPieces()
    {
        var layer = SHA256.HashData("a"u8).Concat(SHA256.HashData("b"u8)).ToArray();
        return (layer, SHA256.HashData(layer));
    }

    private static MetainfoException Refused(byte[] torrent) => Assert.Throws<MetainfoException>(() => TorrentMetainfo.Parse(torrent));

    [Fact]
    public void File_lengths_whose_sum_would_wrap_are_refused_instead_of_overflowing()
    {
        // Found by the metainfo fuzzer: a first file of 2^63 - 1 bytes made the running total wrap negative.
        var tree = new BDictionaryBuilder().Add("a", FileNode(long.MaxValue, SomeRoot)).Add("b", FileNode(Piece, SomeRoot));
        Assert.Contains("add up to more than the engine supports", Refused(Torrent(Info(tree))).Message);
        var huge = new BDictionaryBuilder().Add("a", FileNode(1L << 40, SomeRoot));                  // 2^26 pieces of 16 KiB
        Assert.Contains("pieces of 16384 bytes; at most", Refused(Torrent(Info(huge))).Message);
    }

    [Fact]
    public void A_v2_only_torrent_parses_with_the_truncated_v2_info_hash_on_the_wire()
    {
        var data = Torrent(Info(new BDictionaryBuilder().Add("t", FileNode(5, SomeRoot))));
        var meta = TorrentMetainfo.Parse(data);
        Assert.True(meta.IsV2Only);
        Assert.True(meta.HasV2);
        Assert.Equal(SHA256.HashData(meta.RawInfo.Span), meta.InfoHashV2.ToArray());
        Assert.Equal(meta.InfoHashV2[..20].ToArray(), meta.InfoHash.ToArray());
        // One file, then the padding to the piece's end that libtorrent assumes too (it requests whole blocks of it).
        Assert.Equal(["t", ".pad/16379"], meta.Files.Select(f => f.Path));
        Assert.True(meta.Files[1].IsPadding);
        Assert.False(meta.IsMultiFile);
        Assert.True(meta.PieceHashes.IsEmpty);
    }

    [Fact]
    public void Files_of_a_v2_tree_are_sanitised_and_separated_by_padding_to_piece_boundaries()
    {
        var tree = new BDictionaryBuilder()
            .Add("..", new BDictionaryBuilder().Add("a", FileNode(100, SomeRoot)))
            .Add("b", FileNode(Piece + 1, SomeRoot));
        var meta = TorrentMetainfo.Parse(Torrent(Info(tree)));
        Assert.Equal(["t/a", "t/.pad/16284", "t/b", "t/.pad/16383"], meta.Files.Select(f => f.Path));
        Assert.True(meta.Files[1].IsPadding);
        Assert.Equal(Piece, meta.Files[2].Offset);
    }

    [Fact]
    public void The_merkle_pieces_of_a_v2_torrent_follow_its_layout_and_check_its_data()
    {
        var big = new byte[3 * Piece + 10];
        new Random(1).NextBytes(big);
        var small = new byte[100];
        new Random(2).NextBytes(small);
        var (bigRoot, bigLayer) = MerkleTree.OfFile(big, Piece);
        var (smallRoot, _) = MerkleTree.OfFile(small, Piece);
        var tree = new BDictionaryBuilder().Add("a", FileNode(big.Length, bigRoot)).Add("b", FileNode(small.Length, smallRoot));
        var meta = TorrentMetainfo.Parse(Torrent(Info(tree), bigRoot, bigLayer));
        var merkle = meta.Merkle!;
        Assert.Equal(5, meta.PieceCount);
        Assert.Equal(meta.PieceCount, merkle.PieceCount);
        Assert.Equal(0, merkle.MissingLayers);
        Assert.True(merkle.Verify(3, big.AsSpan(3 * Piece)));
        Assert.True(merkle.Verify(4, small));
        Assert.Equal(4L * Piece, meta.Files.Single(f => f.Path == "t/b").Offset);
        Assert.Equal(1, TorrentMetainfo.Parse(Torrent(Info(tree))).Merkle!.MissingLayers);
    }

    [Fact]
    public void A_small_file_sharing_the_pieces_root_of_a_layered_file_is_not_given_its_layer()
    {
        var (layer, root) = TwoPieces();
        var tree = new BDictionaryBuilder().Add("a", FileNode(2 * Piece, root)).Add("b", FileNode(100, root));
        var meta = TorrentMetainfo.Parse(Torrent(Info(tree), root, layer));
        Assert.Equal(0, meta.Merkle!.MissingLayers);
        Assert.True(meta.Merkle.Layer(1).IsEmpty);
    }

    [Fact]
    public void A_file_with_data_and_no_pieces_root_is_refused() =>
        Assert.Contains("no 32-byte 'pieces root'", Refused(Torrent(Info(new BDictionaryBuilder().Add("t", FileNode(5, null))))).Message);

    [Theory]
    [InlineData(3 * Piece)]
    [InlineData(8192)]
    public void A_piece_length_that_is_no_power_of_two_of_16_KiB_or_more_is_refused(int pieceLength) =>
        Assert.Contains("not a power of two", Refused(Torrent(Info(new BDictionaryBuilder().Add("t", FileNode(5, SomeRoot)), pieceLength))).Message);

    [Fact]
    public void A_piece_layer_that_hashes_to_the_pieces_root_is_accepted()
    {
        var (layer, root) = TwoPieces();
        var meta = TorrentMetainfo.Parse(Torrent(Info(new BDictionaryBuilder().Add("t", FileNode(2 * Piece, root))), root, layer));
        Assert.Equal(2 * Piece, meta.TotalLength);
    }

    [Fact]
    public void A_short_piece_layer_whose_tree_is_padded_with_zero_subtrees_is_accepted()
    {
        var hashes = new[] { SHA256.HashData("a"u8), SHA256.HashData("b"u8), SHA256.HashData("c"u8) };
        var root = SHA256.HashData(SHA256.HashData(hashes[0].Concat(hashes[1]).ToArray()).Concat(SHA256.HashData(hashes[2].Concat(new byte[32]).ToArray())).ToArray());
        TorrentMetainfo.Parse(Torrent(Info(new BDictionaryBuilder().Add("t", FileNode(3 * Piece, root))), root, hashes.SelectMany(h => h).ToArray()));
    }

    [Fact]
    public void A_piece_layer_that_does_not_hash_to_the_root_is_refused()
    {
        var (layer, root) = TwoPieces();
        layer[0] ^= 1;
        Assert.Contains("does not hash to its file's 'pieces root'",
            Refused(Torrent(Info(new BDictionaryBuilder().Add("t", FileNode(2 * Piece, root))), root, layer)).Message);
    }

    [Fact]
    public void A_piece_layer_of_the_wrong_length_is_refused()
    {
        var (layer, root) = TwoPieces();
        Assert.Contains("does not hold 3 32-byte hash(es)",
            Refused(Torrent(Info(new BDictionaryBuilder().Add("t", FileNode(3 * Piece, root))), root, layer)).Message);
    }

    [Fact]
    public void A_piece_layer_that_belongs_to_no_file_is_refused()
    {
        var (layer, root) = TwoPieces();
        Assert.Contains("belongs to no file",
            Refused(Torrent(Info(new BDictionaryBuilder().Add("t", FileNode(2 * Piece, SomeRoot))), root, layer)).Message);
    }

    [Fact]
    public void An_all_zero_pieces_root_is_refused() =>
        Assert.Contains("all-zero", Refused(Torrent(Info(new BDictionaryBuilder().Add("t", FileNode(5, new byte[32]))))).Message);

    [Fact]
    public void A_padding_file_inside_the_file_tree_is_refused() =>
        Assert.Contains("padding file", Refused(Torrent(Info(new BDictionaryBuilder().Add("t",
            new BDictionaryBuilder().Add("", new BDictionaryBuilder().Add("attr", "p").Add("length", 5).Add("pieces root", SomeRoot)))))).Message);

    [Fact]
    public void A_v1_torrent_has_no_v2_info_hash()
    {
        var meta = TorrentMetainfo.Parse(Engine.Tests.Metainfo.TorrentBuilder.Torrent(Engine.Tests.Metainfo.TorrentBuilder.SingleFileInfo("x", 5)));
        Assert.False(meta.HasV2);
        Assert.False(meta.IsV2Only);
    }
}
