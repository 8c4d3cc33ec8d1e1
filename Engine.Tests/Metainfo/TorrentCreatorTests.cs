using System.Security.Cryptography;
using Engine.Core.Bencode;
using Engine.Core.Metainfo;
using Engine.Metainfo;

namespace Engine.Tests.Metainfo;

public sealed class TorrentCreatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("engine-create-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly TorrentCreationOptions Fixed = new()
    {
        Trackers = ["http://127.0.0.1:6969/announce", "udp://127.0.0.1:6969"],
        CreationDate = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
    };

    [Theory]
    [InlineData(1L, 16 * 1024)]
    [InlineData(2000L * 16 * 1024, 16 * 1024)]
    [InlineData(2000L * 16 * 1024 + 1, 32 * 1024)]
    [InlineData(1L << 30, 1 << 20)]
    [InlineData(700L * 1024 * 1024, 512 * 1024)]
    [InlineData(1L << 40, 16 * 1024 * 1024)]
    public void Default_piece_length_aims_at_at_most_2000_pieces(long total, int expected) =>
        Assert.Equal(expected, TorrentCreator.DefaultPieceLength(total));

    [Fact]
    public void Default_piece_length_gives_1000_to_2000_pieces_in_the_middle_range()
    {
        var rng = new Random(3);
        for (var n = 0; n < 1000; n++)
        {
            var total = rng.NextInt64(2000L * 16 * 1024, 2000L * 16 * 1024 * 1024);
            var pieces = (total + TorrentCreator.DefaultPieceLength(total) - 1) / TorrentCreator.DefaultPieceLength(total);
            Assert.InRange(pieces, 1000, 2000);
        }
    }

    [Fact]
    public void Directory_torrent_has_sorted_files_trackers_and_metadata()
    {
        var content = RealToolsTests.MakeContent(_dir);
        var bytes = TorrentCreator.Create(content, Fixed with { IsPrivate = true, Comment = "hi", PieceLength = 32768 });
        var meta = TorrentMetainfo.Parse(bytes);
        Assert.Equal("content", meta.Name);
        Assert.Equal(["content/a.txt", "content/sub/b.bin", "content/sub/deeper/c.dat", "content/sub/deeper/d e (f).txt", "content/z-last.bin"],
            meta.Files.Select(f => f.Path));
        Assert.Equal("http://127.0.0.1:6969/announce", meta.Announce);
        Assert.Equal([["http://127.0.0.1:6969/announce"], ["udp://127.0.0.1:6969"]], meta.AnnounceTiers.Select(t => t.ToArray()));
        Assert.True(meta.IsPrivate);
        Assert.Equal("hi", meta.Comment);
        Assert.Equal("Engine/0.1", meta.CreatedBy);
        Assert.Equal(Fixed.CreationDate, meta.CreationDate);
        Assert.Equal(32768, meta.PieceLength);
        BencodeReader.Decode(bytes); // canonical: the strict decoder accepts our output
    }

    [Fact]
    public void Same_info_hash_as_mktorrent_for_the_same_content_and_piece_length()
    {
        var content = RealToolsTests.MakeContent(_dir);
        var mk = Path.Combine(_dir, "mk.torrent");
        var r = ExternalTools.Run("mktorrent", "mktorrent", ["-a", "http://127.0.0.1:6969/announce", "-l", "15", "-o", mk, content]);
        Assert.True(r.ExitCode == 0, r.StdErr);
        var ours = TorrentMetainfo.Parse(TorrentCreator.Create(content, Fixed with { PieceLength = 32768 }));
        Assert.Equal(TorrentMetainfo.Load(mk).InfoHash, ours.InfoHash);
    }

    [Fact]
    public void Single_file_torrent_is_named_after_the_file()
    {
        var file = Path.Combine(_dir, "one.bin");
        File.WriteAllBytes(file, RandomBytes(new Random(1), 100_000));
        var meta = TorrentMetainfo.Parse(TorrentCreator.Create(file, Fixed));
        Assert.False(meta.IsMultiFile);
        Assert.Equal("one.bin", meta.Files.Single().Path);
        AssertHashesMatch(meta, File.ReadAllBytes(file));
    }

    [Fact]
    public void Piece_hashes_are_right_across_file_boundaries_and_empty_files()
    {
        var rng = new Random(2024);
        for (var round = 0; round < 12; round++)
        {
            var root = Path.Combine(_dir, $"r{round}", "tree");
            var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
            for (var i = rng.Next(1, 9); i > 0; i--)
            {
                var relative = rng.Next(3) == 0 ? $"d{rng.Next(3)}/f{i}" : $"f{i}";
                files[relative] = RandomBytes(rng, rng.Next(4) == 0 ? 0 : rng.Next(1, 70_000));
            }
            if (files.Values.All(f => f.Length == 0)) files["x"] = [1];
            foreach (var (relative, data) in files)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, relative))!);
                File.WriteAllBytes(Path.Combine(root, relative), data);
            }
            var meta = TorrentMetainfo.Parse(TorrentCreator.Create(root, Fixed with { PieceLength = 16384, MaxParallelism = 1 + round % 3 }));
            var stream = meta.Files.SelectMany(f => File.ReadAllBytes(Path.Combine(_dir, $"r{round}", f.Path))).ToArray();
            AssertHashesMatch(meta, stream);
        }
    }

    [Fact]
    public void Output_does_not_depend_on_the_number_of_hashing_threads()
    {
        var content = RealToolsTests.MakeContent(_dir);
        var one = TorrentCreator.Create(content, Fixed with { PieceLength = 16384, MaxParallelism = 1 });
        var many = TorrentCreator.Create(content, Fixed with { PieceLength = 16384, MaxParallelism = 8 });
        Assert.Equal(one, many);
    }

    [Fact]
    public void Missing_source_is_refused() =>
        Assert.Contains("neither a file nor a directory", Assert.Throws<MetainfoException>(() => TorrentCreator.Create(Path.Combine(_dir, "nope"))).Message);

    [Fact]
    public void Directory_without_data_is_refused()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "empty", "sub"));
        File.WriteAllBytes(Path.Combine(_dir, "empty", "sub", "zero"), []);
        Assert.Contains("contains no data", Assert.Throws<MetainfoException>(() => TorrentCreator.Create(Path.Combine(_dir, "empty"))).Message);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(8192)]
    [InlineData(3 * 16384)]
    [InlineData(128 * 1024 * 1024)]
    public void Bad_piece_lengths_are_refused(int pieceLength)
    {
        var file = Path.Combine(_dir, "f");
        File.WriteAllBytes(file, [1, 2, 3]);
        Assert.Contains("power of two", Assert.Throws<MetainfoException>(() => TorrentCreator.Create(file, new() { PieceLength = pieceLength })).Message);
    }

    [Fact]
    public void Symbolic_links_are_not_followed()
    {
        var root = Path.Combine(_dir, "links");
        Directory.CreateDirectory(root);
        File.WriteAllBytes(Path.Combine(root, "real"), [1, 2, 3]);
        File.CreateSymbolicLink(Path.Combine(root, "link"), "/etc/hostname");
        var meta = TorrentMetainfo.Parse(TorrentCreator.Create(root, Fixed));
        Assert.Equal(["links/real"], meta.Files.Select(f => f.Path));
    }

    private static void AssertHashesMatch(TorrentMetainfo meta, byte[] stream)
    {
        Assert.Equal(stream.Length, meta.TotalLength);
        for (var p = 0; p < meta.PieceCount; p++)
        {
            var start = p * meta.PieceLength;
            var expected = SHA1.HashData(stream.AsSpan(start, Math.Min(meta.PieceLength, stream.Length - start)));
            Assert.Equal(expected, meta.GetPieceHash(p).ToArray());
        }
    }

    private static byte[] RandomBytes(Random rng, int size)
    {
        var b = new byte[size];
        rng.NextBytes(b);
        return b;
    }
}
