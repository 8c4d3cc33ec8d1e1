using Engine.Tests.Interop;

namespace Engine.Bench.Leech;

/// <summary>Seed data on disk (one file or a tree) and its mktorrent .torrent, whitelisted on the tracker.</summary>
public sealed class DataSet
{
    private DataSet(string name, string seedDir, string root, long bytes, int files, TestTorrent torrent)
    {
        Name = name;
        SeedDir = seedDir;
        Root = root;
        Bytes = bytes;
        Files = files;
        Torrent = torrent;
    }

    /// <summary>"single", "multi" or "large".</summary>
    public string Name { get; }

    /// <summary>The seeders' save path (holds <see cref="Root"/>).</summary>
    public string SeedDir { get; }

    /// <summary>The file (single-file torrent) or directory (multi-file) the torrent is made of.</summary>
    public string Root { get; }

    public long Bytes { get; }
    public int Files { get; }
    public TestTorrent Torrent { get; }

    public string Label => Files == 1 ? $"{Format.Size(Bytes)} 1 file" : $"{Format.Size(Bytes)} {Files} files";

    /// <summary>Writes deterministic pseudo-random data (one file, or <paramref name="files"/> files in subfolders) and makes its torrent.</summary>
    public static async Task<DataSet> CreateAsync(string workDir, string name, long bytes, int files, int pieceLength, OpenTracker tracker, int seed)
    {
        var seedDir = Path.Combine(workDir, "seed-" + name);
        Directory.CreateDirectory(seedDir);
        string root;
        if (files == 1)
        {
            root = Path.Combine(seedDir, name + ".bin");
            TestData.WriteFile(root, bytes, (ulong)seed * 0x9E3779B97F4A7C15UL + 1);
        }
        else
        {
            root = TestData.CreateTree(seedDir, name, bytes, seed, files).Root;
        }
        var torrent = TorrentFactory.Create(root, tracker.AnnounceUrl, pieceLength, Path.Combine(workDir, name + ".torrent"));
        await tracker.AllowAsync(torrent.InfoHashHex).ConfigureAwait(false);
        return new DataSet(name, seedDir, root, bytes, files, torrent);
    }

    /// <summary>Where a leecher saving into <paramref name="saveDir"/> puts the content.</summary>
    public string DownloadedPath(string saveDir) => Path.Combine(saveDir, Torrent.Name);

    public void Delete()
    {
        try { Directory.Delete(SeedDir, recursive: true); } catch (IOException) { }
    }
}
