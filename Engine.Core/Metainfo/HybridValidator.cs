using Engine.Core.Bencode;
using Engine.Core.Merkle;

namespace Engine.Core.Metainfo;

/// <summary>
/// Checks that a hybrid (v1 + v2, BEP 52) torrent's two halves describe the same files: the v2
/// <c>file tree</c> must be well formed and list the v1 files (padding excluded) with the same paths
/// and lengths in the same order, and every v1 file with data must start on a piece boundary.
/// Its <c>piece layers</c> are checked as for v2 torrents. The engine checks its pieces through the v1 half and answers
/// v2 peers' hash requests from the v2 half.
/// </summary>
internal static class HybridValidator
{
    private const string Label = "hybrid torrent";

    /// <returns>The v2 half's merkle pieces (the hash requests of v2 peers are answered from them; its pieces are checked by v1).</returns>
    public static MerklePieces Check(BDictionary info, BValue? pieceLayers, ReadOnlyMemory<byte> rawName, IReadOnlyList<RawFileEntry> files,
        bool isMultiFile, int pieceLength)
    {
        V2InfoParser.CheckPieceLength(pieceLength, Label);
        var v2Files = V2FileTree.Read(info, Label);
        PieceLayersValidator.Check(pieceLayers, v2Files, pieceLength, Label);

        var v1Files = new List<(IReadOnlyList<ReadOnlyMemory<byte>> Path, long Length)>();
        if (isMultiFile)
        {
            foreach (var f in files)
                if ((f.Attributes & FileAttributesFlags.Padding) == 0)
                    v1Files.Add((f.Path ?? [], f.Length));
        }
        else
            v1Files.Add(([rawName], files[0].Length));

        if (v1Files.Count != v2Files.Count)
            throw new MetainfoException($"hybrid torrent: the v1 part lists {v1Files.Count} file(s), the v2 'file tree' {v2Files.Count}");
        for (var i = 0; i < v1Files.Count; i++)
        {
            var (p1, l1) = v1Files[i];
            if (l1 != v2Files[i].Length || !SamePath(p1, v2Files[i].Path))
                throw new MetainfoException($"hybrid torrent: file {i} differs between the v1 part and the v2 'file tree'");
        }

        long offset = 0;
        foreach (var f in files)
        {
            if ((f.Attributes & FileAttributesFlags.Padding) == 0 && f.Length > 0 && offset % pieceLength != 0)
                throw new MetainfoException($"hybrid torrent: a file starts at byte {offset}, not on a piece boundary (padding missing or wrong)");
            offset += f.Length;
        }
        return new MerklePieces(PieceLayersValidator.Files(pieceLayers, v2Files, pieceLength), pieceLength);
    }

    private static bool SamePath(IReadOnlyList<ReadOnlyMemory<byte>> a, IReadOnlyList<ReadOnlyMemory<byte>> b)
    {
        if (a.Count != b.Count) return false;
        for (var i = 0; i < a.Count; i++)
            if (!a[i].Span.SequenceEqual(b[i].Span)) return false;
        return true;
    }
}
