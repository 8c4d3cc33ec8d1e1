using Engine.Core.Bencode;
using Engine.Core.Merkle;

namespace Engine.Core.Metainfo;

/// <summary>
/// Validates a v2-only (BEP 52) info dictionary. Its files are listed as the engine lists v1 files:
/// a padding entry (<c>.pad/N</c>) follows every file with data that does not end on a piece boundary (BEP 52 starts
/// every file on one), as libtorrent lists them — in a single-file torrent too. There are no v1 piece hashes.
/// </summary>
internal static class V2InfoParser
{
    private const string Label = "v2 torrent";

    /// <summary>The most pieces a v2 torrent may have (8 Mi: 128 GiB at the smallest piece size, 32 TiB at 4 MiB).</summary>
    public const long MaxPieces = 1 << 23;

    public static ParsedInfo Parse(BDictionary info, BValue? pieceLayers, ReadOnlyMemory<byte> rawName, int pieceLength, string infoHashHex)
    {
        CheckPieceLength(pieceLength, Label);
        var tree = V2FileTree.Read(info, Label);
        PieceLayersValidator.Check(pieceLayers, tree, pieceLength, Label);

        var raw = new List<RawFileEntry>(tree.Count * 2);
        long offset = 0;
        foreach (var f in tree)
        {
            if (f.Length > long.MaxValue / 2 - offset) // checked before adding: a huge length must not wrap the sum
                throw new MetainfoException("invalid length: the file lengths add up to more than the engine supports");
            raw.Add(new RawFileEntry(f.Path, f.Length, f.Attributes, f.SymlinkPath));
            offset += f.Length;
            if (f.Length > 0 && offset % pieceLength != 0)
            {
                var gap = pieceLength - offset % pieceLength;
                raw.Add(new RawFileEntry(null, gap, FileAttributesFlags.Padding, null));
                offset += gap;
            }
            if (offset > long.MaxValue / 2)
                throw new MetainfoException("invalid length: the file lengths add up to more than the engine supports");
        }
        if (offset == 0)
            throw new MetainfoException("invalid length: the torrent contains no data (total length 0)");
        // A v2 info dictionary has no 'pieces' string to bound its piece count, as v1's has: bound it here (libtorrent's
        // default limit is 2^21; ours is looser), so that a few bytes cannot ask for a bitfield of billions of pieces.
        var pieces = (offset + pieceLength - 1) / pieceLength;
        if (pieces > MaxPieces)
            throw new MetainfoException($"invalid length: {pieces} pieces of {pieceLength} bytes; at most {MaxPieces} are supported");

        var name = PathSanitizer.Name(rawName.Span, infoHashHex);
        var single = tree.Count == 1 && tree[0].Path.Count == 1 && tree[0].Path[0].Span.SequenceEqual(rawName.Span);
        var files = single ? SingleFile(name, tree[0], offset) : InfoDictionaryParser.BuildFiles(name, raw);
        var isPrivate = info["private"] is BInteger { Value: 1 };
        var merkle = new MerklePieces(PieceLayersValidator.Files(pieceLayers, tree, pieceLength), pieceLength);
        return new ParsedInfo(name, pieceLength, ReadOnlyMemory<byte>.Empty, offset, files, !single, isPrivate, IsHybrid: false, IsV2Only: true, merkle);
    }

    /// <summary>
    /// A single file, and the padding to the piece boundary after it: libtorrent pads a single-file v2 torrent's last
    /// piece too, and requests whole blocks of it (the padding's bytes are zeros the storage supplies, never a file).
    /// </summary>
    private static List<TorrentFile> SingleFile(string name, V2FileEntry file, long total)
    {
        var files = new List<TorrentFile>(2) { new([name], file.Length, 0, file.Attributes & ~FileAttributesFlags.Symlink, null) };
        if (total > file.Length)
            files.Add(new TorrentFile([".pad", (total - file.Length).ToString(System.Globalization.CultureInfo.InvariantCulture)], total - file.Length,
                file.Length, FileAttributesFlags.Padding, null));
        return files;
    }

    /// <summary>BEP 52: a power of two, at least 16 KiB.</summary>
    public static void CheckPieceLength(int pieceLength, string label)
    {
        if (pieceLength < MerkleTree.BlockSize || (pieceLength & (pieceLength - 1)) != 0)
            throw new MetainfoException($"{label}: 'piece length' {pieceLength} is not a power of two of at least 16 KiB");
    }
}
