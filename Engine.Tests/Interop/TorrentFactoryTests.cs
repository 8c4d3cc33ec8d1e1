using System.Diagnostics;
using System.Text;

namespace Engine.Tests.Interop;

[Trait("Category", "Interop")]
public sealed class TorrentFactoryTests
{
    [Fact]
    public void Info_hash_matches_what_python_libtorrent_computes()
    {
        using var tmp = new TempDir("factory");
        var set = TestData.CreateTree(tmp, "payload", 2_500_003, seed: 21, fileCount: 5);

        var torrent = TorrentFactory.Create(set.Root, "http://127.0.0.1:1/announce", 32 * 1024);

        Assert.Equal(LibtorrentInfoHash(torrent.TorrentPath), torrent.InfoHashHex);
        Assert.Equal("payload", torrent.Name);
        Assert.Equal(32 * 1024, torrent.PieceLength);
        Assert.Equal(set.TotalBytes, torrent.TotalLength);
        Assert.Equal(torrent.InfoHashHex, torrent.InfoHash.ToString().ToLowerInvariant());
    }

    [Fact]
    public void A_single_file_torrent_reads_back_its_length()
    {
        using var tmp = new TempDir("factory");
        var file = Path.Combine(tmp, "one.bin");
        TestData.WriteFile(file, 100_001, seed: 3);

        var torrent = TorrentFactory.Create(file, "http://127.0.0.1:1/announce", 16 * 1024);

        Assert.Equal(100_001, torrent.TotalLength);
        Assert.Equal("one.bin", torrent.Name);
        Assert.Equal(LibtorrentInfoHash(torrent.TorrentPath), torrent.InfoHashHex);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(8 * 1024)]
    [InlineData(16 * 1024 + 1)]
    [InlineData(512 * 1024 * 1024)]
    public void Piece_lengths_that_are_not_multiples_of_16_KiB_or_too_large_are_refused(int pieceLength)
    {
        using var tmp = new TempDir("factory");
        Assert.Throws<ArgumentOutOfRangeException>(() => TorrentFactory.Create(tmp, "http://127.0.0.1:1/announce", pieceLength));
    }

    [Theory]
    [InlineData(16 * 1024)]
    [InlineData(48 * 1024)]
    [InlineData(1024 * 1024)]
    public void Any_multiple_of_16_KiB_gives_a_v1_torrent_with_the_right_piece_count(int pieceLength)
    {
        using var tmp = new TempDir("factory");
        var set = TestData.CreateTree(tmp, "payload", 1_234_567, seed: 4, fileCount: 3);

        var torrent = TorrentFactory.Create(set.Root, "http://127.0.0.1:1/announce", pieceLength);

        var root = (BDictionary)MiniBencode.Parse(File.ReadAllBytes(torrent.TorrentPath));
        var info = (BDictionary)root["info"]!;
        Assert.Equal(pieceLength, torrent.PieceLength);
        Assert.Equal((set.TotalBytes + pieceLength - 1) / pieceLength * 20, ((BBytes)info["pieces"]!).Value.Length);
        Assert.Null(info["meta version"]); // v1 only, no hybrid
        Assert.Equal(LibtorrentInfoHash(torrent.TorrentPath), torrent.InfoHashHex);
    }

    [Fact]
    public void MiniBencode_records_the_exact_span_of_each_value()
    {
        var data = Encoding.ASCII.GetBytes("d3:bari-42e4:infod1:xli1ei2eee3:zzz0:e");
        var root = Assert.IsType<BDictionary>(MiniBencode.Parse(data));
        var info = Assert.IsType<BDictionary>(root["info"]);
        Assert.Equal("d1:xli1ei2eee", Encoding.ASCII.GetString(data, info.Start, info.End - info.Start));
        Assert.Equal(-42, Assert.IsType<BInteger>(root["bar"]).Value);
        Assert.Empty(Assert.IsType<BBytes>(root["zzz"]).Value);
    }

    [Theory]
    [InlineData("d3:foo")]
    [InlineData("i12")]
    [InlineData("5:ab")]
    [InlineData("di1ei2ee")]
    [InlineData("i1ei2e")]
    [InlineData("x")]
    public void MiniBencode_rejects_malformed_input_with_a_format_error(string text)
    {
        Assert.Throws<FormatException>(() => MiniBencode.Parse(Encoding.ASCII.GetBytes(text)));
    }

    private static string LibtorrentInfoHash(string torrentPath)
    {
        _ = RequiredPrograms.LibtorrentVersion;
        var psi = new ProcessStartInfo(RequiredPrograms.Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment.Remove("PYTHONHOME");
        psi.Environment.Remove("PYTHONPATH");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import sys, libtorrent as lt; print(lt.torrent_info(sys.argv[1]).info_hashes().v1)");
        psi.ArgumentList.Add(torrentPath);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(30_000), "python did not finish");
        Assert.True(p.ExitCode == 0, stderr);
        return stdout.Trim();
    }
}
