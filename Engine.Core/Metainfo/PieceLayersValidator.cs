using Engine.Core.Bencode;
using Engine.Core.Merkle;

namespace Engine.Core.Metainfo;

/// <summary>
/// Checks a BEP 52 <c>piece layers</c> dictionary against the <c>file tree</c>: every key is the
/// <c>pieces root</c> of a file longer than one piece, its value holds one 32-byte hash per piece of
/// that file, and those hashes lead to the root. A file without a layer is allowed (as libtorrent
/// does: peers can send it); a layer that is present and wrong, or belongs to no file, is refused.
/// </summary>
internal static class PieceLayersValidator
{
    public static void Check(BValue? layers, IReadOnlyList<V2FileEntry> files, int pieceLength, string label)
    {
        if (layers is null) return;
        if (layers is not BDictionary dict)
            throw new MetainfoException($"{label}: 'piece layers' is not a dictionary");
        foreach (var (key, value) in dict.Entries)
        {
            var file = Owner(files, key.Bytes.Span, pieceLength)
                       ?? throw new MetainfoException($"{label}: a 'piece layers' entry belongs to no file longer than one piece");
            var pieces = (file.Length + pieceLength - 1) / pieceLength;
            if (value is not BString layer || layer.Bytes.Length != pieces * MerkleTree.HashLength)
                throw new MetainfoException($"{label}: a 'piece layers' entry does not hold {pieces} 32-byte hash(es)");
            if (!MerkleTree.FromPieceLayer(layer.Bytes.Span, pieceLength).AsSpan().SequenceEqual(file.PiecesRoot.Span))
                throw new MetainfoException($"{label}: a 'piece layers' entry does not hash to its file's 'pieces root'");
        }
    }

    /// <summary>The files as the merkle checks see them, each longer than a piece with its layer when the (checked) dictionary has one.</summary>
    public static List<MerkleFile> Files(BValue? layers, IReadOnlyList<V2FileEntry> files, int pieceLength)
    {
        var dict = layers as BDictionary;
        var result = new List<MerkleFile>(files.Count);
        foreach (var f in files)
        {
            var layer = ReadOnlyMemory<byte>.Empty;
            if (dict is not null && f.Length > pieceLength)
                foreach (var (key, value) in dict.Entries)
                    if (key.Bytes.Span.SequenceEqual(f.PiecesRoot.Span) && value is BString s) { layer = s.Bytes; break; }
            result.Add(new MerkleFile(f.Length, f.PiecesRoot, layer));
        }
        return result;
    }

    private static V2FileEntry? Owner(IReadOnlyList<V2FileEntry> files, ReadOnlySpan<byte> root, int pieceLength)
    {
        foreach (var f in files)
            if (f.Length > pieceLength && f.PiecesRoot.Span.SequenceEqual(root)) return f;
        return null;
    }
}
