using Engine.Core.Bencode;

namespace Engine.Core.Metainfo;

/// <summary>
/// Reads a BEP 52 <c>file tree</c>: nested dictionaries whose leaves are <c>"" → {length, pieces root}</c>.
/// A file with data must carry a 32-byte <c>pieces root</c>; symlinks (attr 'l') carry a <c>symlink path</c>.
/// </summary>
internal static class V2FileTree
{
    public const int RootLength = 32;

    public static List<V2FileEntry> Read(BDictionary info, string label)
    {
        if (!info.TryGet<BDictionary>("file tree", out var tree))
            throw new MetainfoException($"{label}: 'file tree' is missing or not a dictionary");
        var output = new List<V2FileEntry>();
        Walk(tree, [], output, label);
        if (output.Count == 0)
            throw new MetainfoException($"{label}: the 'file tree' lists no file");
        return output;
    }

    private static void Walk(BDictionary node, List<ReadOnlyMemory<byte>> prefix, List<V2FileEntry> output, string label)
    {
        ReadOnlyMemory<byte>? previous = null;
        foreach (var (key, value) in node.Entries)
        {
            // BEP 52 relies on the canonical (sorted) order for the file order; libtorrent refuses others too.
            if (previous is { } p && p.Span.SequenceCompareTo(key.Bytes.Span) >= 0)
                throw new MetainfoException($"{label}: the 'file tree' keys are not in sorted order");
            previous = key.Bytes;
            if (value is not BDictionary child)
                throw new MetainfoException($"{label}: invalid 'file tree' entry '{key.Text}' (not a dictionary)");
            if (key.Bytes.Length == 0)
            {
                if (prefix.Count == 0 || node.Count != 1)
                    throw new MetainfoException($"{label}: invalid 'file tree' (a file entry beside other entries or at the root)");
                output.Add(ReadFile(child, [.. prefix], label));
            }
            else
            {
                prefix.Add(key.Bytes);
                Walk(child, prefix, output, label);
                prefix.RemoveAt(prefix.Count - 1);
            }
        }
    }

    private static V2FileEntry ReadFile(BDictionary file, List<ReadOnlyMemory<byte>> path, string label)
    {
        var attributes = file["attr"] is BString attr ? InfoDictionaryParser.Attributes(attr.Bytes.Span) : FileAttributesFlags.None;
        if ((attributes & FileAttributesFlags.Padding) != 0)
            throw new MetainfoException($"{label}: the 'file tree' lists a padding file (BEP 52 pads implicitly)");
        if ((attributes & FileAttributesFlags.Symlink) != 0)
        {
            var target = InfoDictionaryParser.ReadStringList(file["symlink path"])
                         ?? throw new MetainfoException($"{label}: symlink with a missing or invalid 'symlink path' in 'file tree'");
            return new V2FileEntry(path, 0, default, attributes, target);
        }
        var length = file["length"] is BInteger l ? l.Value : -1;
        if (length < 0)
            throw new MetainfoException($"{label}: a file of the 'file tree' has a missing or negative length");
        ReadOnlyMemory<byte> root = default;
        if (length > 0)
        {
            if (file["pieces root"] is not BString { Bytes.Length: RootLength } r || !r.Bytes.Span.ContainsAnyExcept((byte)0))
                throw new MetainfoException($"{label}: a file of the 'file tree' has no 32-byte 'pieces root' (or an all-zero one)");
            root = r.Bytes;
        }
        return new V2FileEntry(path, length, root, attributes, null);
    }
}
