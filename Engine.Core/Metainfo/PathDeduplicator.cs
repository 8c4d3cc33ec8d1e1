namespace Engine.Core.Metainfo;

/// <summary>
/// Makes every file path of a torrent unique, case-insensitively (so the result is safe on
/// case-insensitive file systems too), and different from every directory the torrent needs.
/// A clash renames the later file <c>stem.N.ext</c> (N = 1, 2, ...). More than
/// <see cref="MaxRenames"/> renames reject the torrent.
/// </summary>
internal sealed class PathDeduplicator
{
    public const int MaxRenames = 100;

    private readonly HashSet<string> _taken = new(StringComparer.OrdinalIgnoreCase);
    private int _renames;

    /// <param name="allFilePaths">Every path that will be claimed, so their directories are known up front.</param>
    public PathDeduplicator(IEnumerable<IReadOnlyList<string>> allFilePaths)
    {
        foreach (var components in allFilePaths)
        {
            var prefix = "";
            for (var i = 0; i < components.Count - 1; i++)
            {
                prefix = i == 0 ? components[0] : prefix + "/" + components[i];
                _taken.Add(prefix);
            }
        }
    }

    /// <summary>Claims a path; returns the components unchanged, or with the last one renamed.</summary>
    public IReadOnlyList<string> Claim(IReadOnlyList<string> components)
    {
        var path = string.Join('/', components);
        if (_taken.Add(path)) return components;

        if (++_renames > MaxRenames)
            throw new MetainfoException($"too many duplicate file names (more than {MaxRenames}), e.g. '{path}'");
        var last = components[^1];
        var dot = last.LastIndexOf('.');
        var (stem, extension) = dot > 0 ? (last[..dot], last[dot..]) : (last, "");
        var directory = components.Count > 1 ? string.Join('/', components.Take(components.Count - 1)) + "/" : "";
        for (var n = 1; ; n++)
        {
            var suffix = $".{n}{extension}";
            var candidate = Shorten(stem, suffix);
            if (_taken.Add(directory + candidate))
            {
                var renamed = components.ToArray();
                renamed[^1] = candidate;
                return renamed;
            }
        }
    }

    private static string Shorten(string stem, string suffix)
    {
        while (stem.Length > 1 && System.Text.Encoding.UTF8.GetByteCount(stem + suffix) > PathSanitizer.MaxComponentBytes)
            stem = char.IsLowSurrogate(stem[^1]) ? stem[..^2] : stem[..^1];
        return stem + suffix;
    }
}
