using Engine.Core.Metainfo;
using Engine.Metainfo;
using Engine.Storage;

namespace Engine.Tests.Storage;

/// <summary>A symbolic link already in the download directory is refused, never followed, when writing.</summary>
public sealed class SymlinkRefusalTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("symlinks-").FullName;

    /// <summary>A torrent "set" with files a.bin (20 000 bytes) and sub/b.bin (20 000 bytes).</summary>
    private TorrentMetainfo MakeTorrent()
    {
        var src = Path.Combine(_root, "src", "set");
        Directory.CreateDirectory(Path.Combine(src, "sub"));
        File.WriteAllBytes(Path.Combine(src, "a.bin"), new byte[20_000]);
        File.WriteAllBytes(Path.Combine(src, "sub", "b.bin"), new byte[20_000]);
        return TorrentMetainfo.Parse(TorrentCreator.Create(src, new TorrentCreationOptions { PieceLength = 16 * 1024 }));
    }

    private string Victim()
    {
        var outside = Path.Combine(_root, "outside");
        Directory.CreateDirectory(outside);
        var victim = Path.Combine(outside, "victim.txt");
        File.WriteAllText(victim, "precious");
        return victim;
    }

    [Fact]
    public void A_file_that_is_a_link_to_elsewhere_is_not_written_through()
    {
        var t = MakeTorrent();
        var victim = Victim();
        var dl = Path.Combine(_root, "dl");
        Directory.CreateDirectory(Path.Combine(dl, "set"));
        File.CreateSymbolicLink(Path.Combine(dl, "set", "a.bin"), victim);
        using var storage = new TorrentStorage(t, dl);
        var e = Assert.Throws<IOException>(() => storage.Write(t.Layout.Block(0, 0), new byte[16 * 1024]));
        Assert.Contains("symbolic link", e.Message);
        Assert.Equal("precious", File.ReadAllText(victim));
    }

    [Fact]
    public void A_directory_on_the_way_that_is_a_link_is_not_followed_and_nothing_is_created_through_it()
    {
        var t = MakeTorrent();
        Victim();
        var dl = Path.Combine(_root, "dl");
        Directory.CreateDirectory(Path.Combine(dl, "set"));
        Directory.CreateSymbolicLink(Path.Combine(dl, "set", "sub"), Path.Combine(_root, "outside"));
        using var storage = new TorrentStorage(t, dl);
        Assert.Throws<IOException>(() => storage.Write(t.Layout.Block(1, 0), new byte[16 * 1024])); // piece 1 reaches sub/b.bin
        Assert.False(File.Exists(Path.Combine(_root, "outside", "b.bin")));
    }

    [Fact]
    public void Empty_files_are_not_created_through_a_link_either()
    {
        var src = Path.Combine(_root, "src", "e");
        Directory.CreateDirectory(src);
        File.WriteAllBytes(Path.Combine(src, "data.bin"), new byte[1000]);
        File.WriteAllBytes(Path.Combine(src, "empty.txt"), []);
        var t = TorrentMetainfo.Parse(TorrentCreator.Create(src, new TorrentCreationOptions { PieceLength = 16 * 1024 }));
        var dl = Path.Combine(_root, "dl");
        Directory.CreateDirectory(Path.Combine(dl, "e"));
        var victim = Victim();
        File.CreateSymbolicLink(Path.Combine(dl, "e", "empty.txt"), victim);
        using var storage = new TorrentStorage(t, dl);
        Assert.Throws<IOException>(storage.CreateEmptyFiles);
        Assert.Equal("precious", File.ReadAllText(victim));
    }

    [Fact]
    public void A_download_directory_reached_through_a_link_is_fine()
    {
        var t = MakeTorrent();
        var real = Path.Combine(_root, "real");
        Directory.CreateDirectory(real);
        var link = Path.Combine(_root, "link");
        Directory.CreateSymbolicLink(link, real);
        using var storage = new TorrentStorage(t, link);
        var block = new byte[16 * 1024];
        new Random(1).NextBytes(block);
        storage.Write(t.Layout.Block(0, 0), block);
        Assert.Equal(block, File.ReadAllBytes(Path.Combine(real, "set", "a.bin")).AsSpan(0, block.Length).ToArray());
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
