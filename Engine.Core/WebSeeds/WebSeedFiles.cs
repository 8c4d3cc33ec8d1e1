using System.Text;
using Engine.Core.Metainfo;
using Engine.Core.Storage;

namespace Engine.Core.WebSeeds;

/// <summary>
/// Where a torrent's bytes live on a web seed (BEP 19, <c>url-list</c>), and which HTTP ranges a run of the torrent's
/// bytes needs. Single-file torrent: the URL is the file, or, when it ends with '/', the directory holding a file
/// named as the torrent. Multi-file torrent: the URL is a directory (a missing '/' is added) holding the torrent's
/// name directory, so a file is URL + name + '/' + its path, each segment percent-escaped. A run that spans files is
/// several ranges, one per file; padding files (BEP 47) are never requested (zeros). Thread-safe.
/// </summary>
internal sealed class WebSeedFiles
{
    private readonly string[] _paths;   // escaped, '/'-joined: "name" (single) or "name/dir/file" (multi)
    private readonly long[] _lengths;
    private readonly bool[] _padding;
    private readonly FileMap _map;

    public WebSeedFiles(bool multiFile, IReadOnlyList<IReadOnlyList<string>> paths, IReadOnlyList<long> lengths, IReadOnlyList<bool> padding)
    {
        if (paths.Count != lengths.Count || paths.Count != padding.Count) throw new ArgumentException("one path, length and padding flag per file");
        IsMultiFile = multiFile;
        _paths = new string[paths.Count];
        _lengths = new long[paths.Count];
        _padding = new bool[paths.Count];
        for (var i = 0; i < paths.Count; i++)
        {
            _paths[i] = Escape(paths[i]);
            _lengths[i] = lengths[i];
            _padding[i] = padding[i];
        }
        _map = new FileMap(lengths);
    }

    /// <summary>From a parsed torrent (its sanitised paths: the same as the torrent's own for any ordinary name).</summary>
    public static WebSeedFiles From(TorrentMetainfo torrent)
    {
        var paths = new List<IReadOnlyList<string>>(torrent.Files.Count);
        var lengths = new List<long>(torrent.Files.Count);
        var padding = new List<bool>(torrent.Files.Count);
        foreach (var f in torrent.Files)
        {
            paths.Add(f.PathComponents);
            lengths.Add(f.Length);
            padding.Add(f.IsPadding);
        }
        return new WebSeedFiles(torrent.IsMultiFile, paths, lengths, padding);
    }

    public bool IsMultiFile { get; }

    public int FileCount => _paths.Length;

    public long FileLength(int file) => _lengths[file];

    /// <summary>The URL of file <paramref name="file"/> on the web seed <paramref name="baseUrl"/>.</summary>
    public string FileUrl(string baseUrl, int file)
    {
        if (IsMultiFile) return (baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/") + _paths[file];
        return baseUrl.EndsWith('/') ? baseUrl + _paths[file] : baseUrl;
    }

    /// <summary>
    /// The ranges covering the torrent's bytes <c>[offset, offset + length)</c>, in order, added to
    /// <paramref name="into"/>; returns how many were added.
    /// </summary>
    public int Plan(long offset, int length, List<WebSeedRange> into)
    {
        FileSlice[] slices;
        int n;
        lock (_map) // shared by the torrent's web seeds; the map caches its last answer
        {
            slices = new FileSlice[_map.MaxSlicesFor(length)]; // one run of about a megabyte: not the hot path
            n = _map.Map(offset, length, slices);
        }
        for (var i = 0; i < n; i++)
        {
            var s = slices[i];
            into.Add(new WebSeedRange(s.FileIndex, s.FileOffset, s.Length, _padding[s.FileIndex]));
        }
        return n;
    }

    /// <summary>Percent-escapes each path segment (RFC 3986 unreserved characters stay) and joins them with '/'.</summary>
    internal static string Escape(IReadOnlyList<string> segments)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < segments.Count; i++)
        {
            if (i > 0) sb.Append('/');
            sb.Append(Uri.EscapeDataString(segments[i]));
        }
        return sb.ToString();
    }
}
