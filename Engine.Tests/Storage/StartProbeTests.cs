using Engine.Core.Metainfo;
using Engine.Metainfo;
using Engine.Storage;

namespace Engine.Tests.Storage;

/// <summary>What a torrent about to start finds on disk without its storage actor: "nothing" only when nothing of it is there.</summary>
public sealed class StartProbeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("start-probe-").FullName;

    private TorrentMetainfo Torrent(bool multi)
    {
        var src = Path.Combine(_root, "src");
        Directory.CreateDirectory(src);
        string path;
        if (multi)
        {
            path = Path.Combine(src, "set");
            Directory.CreateDirectory(Path.Combine(path, "sub"));
            File.WriteAllBytes(Path.Combine(path, "a.bin"), new byte[40_000]);
            File.WriteAllBytes(Path.Combine(path, "sub", "b.bin"), new byte[10_000]);
        }
        else
        {
            path = Path.Combine(src, "one.bin");
            File.WriteAllBytes(path, new byte[40_000]);
        }
        return TorrentMetainfo.Parse(TorrentCreator.Create(path, new TorrentCreationOptions { PieceLength = 16 * 1024 }));
    }

    private string Resume => Path.Combine(_root, "state", "x.resume");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_empty_or_missing_directory_without_a_resume_record_holds_nothing(bool multi)
    {
        var torrent = Torrent(multi);
        var empty = Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName;
        Assert.True(StartProbe.NothingOnDisk(torrent, empty, Resume));
        Assert.True(StartProbe.NothingOnDisk(torrent, Path.Combine(_root, "not-there"), Resume));
        File.WriteAllText(Path.Combine(empty, "unrelated.txt"), "x"); // other files do not count
        Assert.True(StartProbe.NothingOnDisk(torrent, empty, Resume));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Anything_of_the_torrent_or_a_resume_record_means_the_check_decides(bool multi)
    {
        var torrent = Torrent(multi);
        var dir = Directory.CreateDirectory(Path.Combine(_root, "dl")).FullName;
        var top = Path.Combine(dir, multi ? "set" : "one.bin");
        if (multi) Directory.CreateDirectory(top);
        else File.WriteAllBytes(top, [1]);
        Assert.False(StartProbe.NothingOnDisk(torrent, dir, Resume));

        if (multi) Directory.Delete(top);
        else File.Delete(top);
        File.WriteAllBytes(TorrentStorage.PartsPathFor(torrent, dir), [1]);
        Assert.False(StartProbe.NothingOnDisk(torrent, dir, Resume));

        File.Delete(TorrentStorage.PartsPathFor(torrent, dir));
        Assert.True(StartProbe.NothingOnDisk(torrent, dir, Resume));
        Directory.CreateDirectory(Path.GetDirectoryName(Resume)!);
        File.WriteAllBytes(Resume, [1]);
        Assert.False(StartProbe.NothingOnDisk(torrent, dir, Resume));
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
