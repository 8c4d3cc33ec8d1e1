using Engine.Core.Bencode;

namespace Engine.Core.Metainfo;

/// <summary>
/// Checks that a hybrid (v1 + v2, BEP 52) torrent's two halves describe the same files: the v2
/// <c>file tree</c> must be well formed and list the v1 files (padding excluded) with the same paths
/// and lengths in the same order, and every v1 file with data must start on a piece boundary.
/// The engine then uses the v1 half only.
/// </summary>
internal static class HybridValidator
{
    public static void Check(BDictionary info, ReadOnlyMemory<byte> rawName, IReadOnlyList<RawFileEntry> files,
        bool isMultiFile, int pieceLength)
    {
        if (!info.TryGet<BDictionary>("file tree", out var tree))
            throw new MetainfoException("hybrid torrent: 'file tree' is missing or not a dictionary");
        var v2Files = new List<(List<ReadOnlyMemory<byte>> Path, long Length)>();
        Walk(tree, [], v2Files);

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
            var (p2, l2) = v2Files[i];
            if (l1 != l2 || !SamePath(p1, p2))
                throw new MetainfoException($"hybrid torrent: file {i} differs between the v1 part and the v2 'file tree'");
        }

        long offset = 0;
        foreach (var f in files)
        {
            if ((f.Attributes & FileAttributesFlags.Padding) == 0 && f.Length > 0 && offset % pieceLength != 0)
                throw new MetainfoException($"hybrid torrent: a file starts at byte {offset}, not on a piece boundary (padding missing or wrong)");
            offset += f.Length;
        }
    }

    private static void Walk(BDictionary node, List<ReadOnlyMemory<byte>> prefix, List<(List<ReadOnlyMemory<byte>>, long)> output)
    {
        foreach (var (key, value) in node.Entries)
        {
            if (value is not BDictionary child)
                throw new MetainfoException($"hybrid torrent: invalid 'file tree' entry '{key.Text}' (not a dictionary)");
            if (key.Bytes.Length == 0)
            {
                if (prefix.Count == 0 || node.Count != 1)
                    throw new MetainfoException("hybrid torrent: invalid 'file tree' (a file entry beside other entries or at the root)");
                var length = child["length"] is BInteger l ? l.Value : 0;
                if (length < 0)
                    throw new MetainfoException("hybrid torrent: negative file length in 'file tree'");
                output.Add(([.. prefix], length));
            }
            else
            {
                prefix.Add(key.Bytes);
                Walk(child, prefix, output);
                prefix.RemoveAt(prefix.Count - 1);
            }
        }
    }

    private static bool SamePath(IReadOnlyList<ReadOnlyMemory<byte>> a, List<ReadOnlyMemory<byte>> b)
    {
        if (a.Count != b.Count) return false;
        for (var i = 0; i < a.Count; i++)
            if (!a[i].Span.SequenceEqual(b[i].Span)) return false;
        return true;
    }
}
