using Engine.Core.Bencode;

namespace Engine.Metainfo;

/// <summary>The v2 half of a hybrid made by <see cref="TorrentCreator"/>: the <c>file tree</c> and the <c>piece layers</c>.</summary>
internal static class HybridParts
{
    private sealed class Node
    {
        public readonly SortedDictionary<string, Node> Children = new(StringComparer.Ordinal);
        public BDictionary? File;
    }

    /// <param name="files">Data files in v1 order; components relative to the torrent's directory (empty for a single file).</param>
    public static (BDictionary Tree, BDictionary Layers) Build(IEnumerable<(string Path, string[] Components, long Length)> files,
        string name, bool isDirectory, int pieceLength, CancellationToken ct)
    {
        var tree = new Node();
        var layers = new BDictionaryBuilder();
        var listed = new HashSet<string>(StringComparer.Ordinal); // files with the same content share a root: listed once
        foreach (var (path, components, length) in files)
        {
            var entry = new BDictionaryBuilder().Add("length", length);
            if (length > 0)
            {
                var (root, layer) = V2FileHasher.Hash(path, length, pieceLength, ct);
                entry.Add("pieces root", root);
                if (layer is not null && listed.Add(Convert.ToHexString(root))) layers.Add(new BString(root), new BString(layer));
            }
            var node = tree;
            foreach (var c in isDirectory ? components : [name])
            {
                if (!node.Children.TryGetValue(c, out var child)) node.Children[c] = child = new Node();
                node = child;
            }
            node.File = entry.Build();
        }
        return (ToDictionary(tree), layers.Build());
    }

    private static BDictionary ToDictionary(Node node)
    {
        var builder = new BDictionaryBuilder();
        if (node.File is not null) builder.Add("", node.File);
        foreach (var (key, child) in node.Children) builder.Add(key, ToDictionary(child));
        return builder.Build();
    }
}
