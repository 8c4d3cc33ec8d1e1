using Engine.Core.Metainfo;
using Engine.Metainfo;

namespace Engine.Tests.Support;

/// <summary>
/// Random file contents under a fresh temporary directory and the .torrent made from them, for engine
/// tests. <see cref="SeedDirectory"/> is a save directory that already holds the complete data.
/// Deleted on dispose.
/// </summary>
public sealed class GeneratedTorrent : IDisposable
{
    private GeneratedTorrent(string root, string seedDirectory, TorrentMetainfo metainfo, byte[] bytes)
    {
        Root = root;
        SeedDirectory = seedDirectory;
        Metainfo = metainfo;
        Bytes = bytes;
    }

    /// <summary>The temporary directory holding everything of this test.</summary>
    public string Root { get; }
    public string SeedDirectory { get; }
    public TorrentMetainfo Metainfo { get; }
    /// <summary>The .torrent file's bytes.</summary>
    public byte[] Bytes { get; }

    /// <summary>
    /// Writes <paramref name="files"/> (relative paths and sizes) with seeded random bytes into a multi-file torrent named
    /// <paramref name="name"/>: v1, or BEP 52 v2-only with <paramref name="v2Only"/>.
    /// </summary>
    public static GeneratedTorrent Create(string name, IReadOnlyList<(string Path, int Size)> files, int pieceLength, int seed = 1, IReadOnlyList<string>? trackers = null,
        bool v2Only = false)
    {
        var root = Directory.CreateTempSubdirectory("engine-test-").FullName;
        var seedDirectory = Path.Combine(root, "seed");
        var content = Path.Combine(seedDirectory, name);
        var random = new Random(seed);
        foreach (var (path, size) in files)
        {
            var full = Path.Combine(content, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            var data = new byte[size];
            random.NextBytes(data);
            File.WriteAllBytes(full, data);
        }
        var bytes = TorrentCreator.Create(content, new TorrentCreationOptions { PieceLength = pieceLength, OmitCreationDate = true, Trackers = trackers ?? [], V2Only = v2Only });
        File.WriteAllBytes(Path.Combine(root, name + ".torrent"), bytes);
        return new GeneratedTorrent(root, seedDirectory, TorrentMetainfo.Parse(bytes), bytes);
    }

    public string TorrentPath => Path.Combine(Root, Metainfo.Name + ".torrent");

    /// <summary>A new empty directory under <see cref="Root"/>.</summary>
    public string NewDirectory(string name)
    {
        var dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Asserts that <paramref name="directory"/> holds exactly the seed's files, byte for byte.</summary>
    public void AssertSameData(string directory)
    {
        foreach (var file in Metainfo.Files)
        {
            if (file.IsPadding) continue;
            var expected = Path.Combine(SeedDirectory, file.Path);
            var actual = Path.Combine(directory, file.Path);
            Assert.True(File.Exists(actual), $"{actual} is missing");
            Assert.True(File.ReadAllBytes(expected).AsSpan().SequenceEqual(File.ReadAllBytes(actual)), $"{file.Path} differs in {directory}");
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
