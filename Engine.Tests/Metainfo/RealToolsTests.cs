using Engine.Core.Metainfo;
using Engine.Metainfo;

namespace Engine.Tests.Metainfo;

/// <summary>Torrents made by mktorrent, transmission-create and python3-libtorrent parse as libtorrent sees them.</summary>
public sealed class RealToolsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("engine-meta-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A small multi-file tree under <c>_dir/content</c>: nested folders, an empty file, odd sizes.</summary>
    internal static string MakeContent(string parent, int seed = 1)
    {
        var root = Path.Combine(parent, "content");
        var rng = new Random(seed);
        void Write(string relative, int size)
        {
            var full = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            var bytes = new byte[size];
            rng.NextBytes(bytes);
            File.WriteAllBytes(full, bytes);
        }
        Write("a.txt", 1000);
        Write("sub/b.bin", 40_000);
        Write("sub/deeper/c.dat", 70_001);
        Write("sub/deeper/d e (f).txt", 17);
        Write("z-last.bin", 16_384);
        return root;
    }

    private void AssertSameAsLibtorrent(string torrentPath)
    {
        var ours = TorrentMetainfo.Load(torrentPath);
        var lt = ExternalTools.DescribeWithLibtorrent(torrentPath);
        Assert.True(lt.HasV1);
        Assert.Equal(lt.InfoHash, ours.InfoHash.ToHex());
        Assert.Equal(lt.Name, ours.Name);
        Assert.Equal(lt.NumPieces, ours.PieceCount);
        Assert.Equal(lt.PieceLength, ours.PieceLength);
        Assert.Equal(lt.TotalSize, ours.TotalLength);
        Assert.Equal(
            lt.Files.Select(f => (f.Path, f.Size, f.Offset, f.Pad)).ToList(),
            ours.Files.Select(f => (f.Path, f.Length, f.Offset, f.IsPadding)).ToList());
        Assert.Equal(5, ours.Files.Count(f => !f.IsPadding));
    }

    [Fact]
    public void Mktorrent_output_matches_libtorrent()
    {
        var content = MakeContent(_dir);
        var torrent = Path.Combine(_dir, "mk.torrent");
        var r = ExternalTools.Run("mktorrent", "mktorrent",
            ["-a", "http://127.0.0.1:6969/announce", "-a", "udp://127.0.0.1:6969", "-l", "15", "-p", "-c", "made by mktorrent", "-o", torrent, content]);
        Assert.True(r.ExitCode == 0, r.StdErr);
        AssertSameAsLibtorrent(torrent);
        var ours = TorrentMetainfo.Load(torrent);
        Assert.True(ours.IsPrivate);
        Assert.Equal("made by mktorrent", ours.Comment);
        Assert.Equal("http://127.0.0.1:6969/announce", ours.Announce);
        Assert.Equal(["http://127.0.0.1:6969/announce", "udp://127.0.0.1:6969"], ours.Trackers);
    }

    [Fact]
    public void Transmission_create_output_matches_libtorrent()
    {
        var content = MakeContent(_dir);
        var torrent = Path.Combine(_dir, "tr.torrent");
        var r = ExternalTools.Run("transmission-create", "transmission-cli",
            ["-t", "http://127.0.0.1:6969/announce", "-s", "16", "-c", "made by transmission", "-o", torrent, content]);
        Assert.True(r.ExitCode == 0, r.StdErr);
        AssertSameAsLibtorrent(torrent);
        Assert.Equal("made by transmission", TorrentMetainfo.Load(torrent).Comment);
    }

    private const string LibtorrentCreate = """
        import sys, os, libtorrent as lt
        content, out, flags = sys.argv[1], sys.argv[2], int(sys.argv[3])
        fs = lt.file_storage()
        lt.add_files(fs, content)
        t = lt.create_torrent(fs, 16384, flags=flags)
        t.add_tracker("http://127.0.0.1:6969/announce")
        lt.set_piece_hashes(t, os.path.dirname(content))
        open(out, "wb").write(lt.bencode(t.generate()))
        """;

    [Theory]
    [InlineData("v1-only", true)]
    [InlineData("hybrid", false)]
    public void Python_libtorrent_output_matches_libtorrent(string kind, bool v1Only)
    {
        var content = MakeContent(_dir);
        var torrent = Path.Combine(_dir, kind + ".torrent");
        var flags = v1Only ? ExternalTools.RunLibtorrentPython("import libtorrent as lt; print(int(lt.create_torrent.v1_only))").Trim() : "0";
        ExternalTools.RunLibtorrentPython(LibtorrentCreate, content, torrent, flags);
        AssertSameAsLibtorrent(torrent);
        var ours = TorrentMetainfo.Load(torrent);
        Assert.Equal(!v1Only, ours.IsHybrid);
        if (!v1Only) Assert.Contains(ours.Files, f => f.IsPadding); // hybrids align files with BEP 47 padding
    }
}
