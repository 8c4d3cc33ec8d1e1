using System.Text.Json;
using Engine.Core.Metainfo;
using Engine.Host.Commands;
using Engine.Metainfo;
using Engine.Tests.Metainfo;
using Engine.Tests.Support;

namespace Engine.Tests.Host;

public sealed class CreateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("engine-host-create-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string VerifyWithLibtorrent = """
        import sys, os, json, hashlib, libtorrent as lt
        ti = lt.torrent_info(sys.argv[1])
        fs = ti.files()
        data = b"".join(open(os.path.join(sys.argv[2], fs.file_path(i)), "rb").read() for i in range(fs.num_files()))
        pl = ti.piece_length()
        ok = all(hashlib.sha1(data[p*pl:(p+1)*pl]).digest() == ti.hash_for_piece(p) for p in range(ti.num_pieces()))
        print(json.dumps({"InfoHash": str(ti.info_hashes().v1), "Files": [fs.file_path(i) for i in range(fs.num_files())],
                          "Sizes": [fs.file_size(i) for i in range(fs.num_files())], "HashesOk": ok, "Private": ti.priv(),
                          "Trackers": [t.url for t in ti.trackers()], "Comment": ti.comment(), "Creator": ti.creator()}))
        """;

    private sealed record LtView(string InfoHash, List<string> Files, List<long> Sizes, bool HashesOk, bool Private, List<string> Trackers, string Comment, string Creator);

    [Fact]
    public async Task Created_multi_file_torrent_loads_in_libtorrent_with_the_same_hash_files_and_valid_pieces()
    {
        var content = RealToolsTests.MakeContent(_dir);
        var outFile = Path.Combine(_dir, "out.torrent");
        var (code, console, _) = await InProcessHost.RunAsync("create", content, "--tracker", "http://127.0.0.1:6969/announce", "--tracker", "udp://127.0.0.1:6969",
            "--piece-length", "16k", "--private", "--comment", "made here", "-o", outFile);
        Assert.Equal(0, code);

        var ours = TorrentMetainfo.Load(outFile);
        Assert.Contains($"info-hash:     {ours.InfoHash}", console);
        var lt = JsonSerializer.Deserialize<LtView>(ExternalTools.RunLibtorrentPython(VerifyWithLibtorrent, outFile, _dir))!;
        Assert.Equal(lt.InfoHash, ours.InfoHash.ToHex());
        Assert.Equal(lt.Files, ours.Files.Select(f => f.Path));
        Assert.Equal(lt.Sizes, ours.Files.Select(f => f.Length));
        Assert.True(lt.HashesOk, "libtorrent's piece hashes do not match the content");
        Assert.True(lt.Private);
        Assert.Equal(["http://127.0.0.1:6969/announce", "udp://127.0.0.1:6969"], lt.Trackers);
        Assert.Equal("made here", lt.Comment);
        Assert.Equal("Engine/0.1", lt.Creator);
        Assert.Equal(16384, ours.PieceLength);
    }

    [Fact]
    public async Task Create_hybrid_prints_both_info_hashes_and_info_shows_the_same_ones()
    {
        var content = RealToolsTests.MakeContent(_dir);
        var outFile = Path.Combine(_dir, "hybrid.torrent");
        var (code, console, _) = await InProcessHost.RunAsync("create", content, "--tracker", "http://127.0.0.1:6969/announce", "--hybrid", "-o", outFile);
        Assert.Equal(0, code);
        var meta = TorrentMetainfo.Load(outFile);
        Assert.True(meta.IsHybrid);
        var v2 = Convert.ToHexStringLower(meta.InfoHashV2.Span);
        Assert.Contains("info-hash v2:  " + v2, console);
        Assert.Contains("in 5 file(s)", console);
        var info = new StringWriter();
        InfoCommand.Run(outFile, info);
        Assert.Contains("info-hash v2:  " + v2, info.ToString());
        Assert.Contains("files:         5 (+", info.ToString());
    }

    [Fact]
    public async Task Create_v2_makes_a_v2_only_torrent_and_prints_its_info_hashes()
    {
        var content = RealToolsTests.MakeContent(_dir);
        var outFile = Path.Combine(_dir, "v2.torrent");
        var (code, console, _) = await InProcessHost.RunAsync("create", content, "--tracker", "http://127.0.0.1:6969/announce", "--v2", "-o", outFile);
        Assert.Equal(0, code);
        var meta = TorrentMetainfo.Load(outFile);
        Assert.True(meta.IsV2Only);
        Assert.Contains($"info-hash:     {meta.InfoHash} (v2, truncated)", console);
        Assert.Contains("info-hash v2:  " + Convert.ToHexStringLower(meta.InfoHashV2.Span), console);
    }

    [Fact]
    public void Info_prints_what_create_made()
    {
        var content = RealToolsTests.MakeContent(_dir);
        var outFile = Path.Combine(_dir, "x.torrent");
        CreateCommand.Run(content, outFile, new Engine.Metainfo.TorrentCreationOptions { Trackers = ["http://127.0.0.1:1/a"] }, new StringWriter());
        var info = new StringWriter();
        InfoCommand.Run(outFile, info);
        Assert.Contains("files:         5", info.ToString());
        Assert.Contains("  tier 1: http://127.0.0.1:1/a", info.ToString());
    }

    [Theory]
    [InlineData(2, "Option '--output' is required", "SRC", "-t", "http://x/a")]
    [InlineData(2, "Option '--tracker' is required", "SRC", "-o", "OUT")]
    [InlineData(2, "Required argument 'source' missing", "-t", "http://x/a", "-o", "OUT")]
    [InlineData(2, "Unrecognized command or argument '--frob'", "SRC", "-t", "http://x/a", "-o", "OUT", "--frob")]
    [InlineData(2, "Required argument missing for option: '--piece-length'", "SRC", "-t", "http://x/a", "-o", "OUT", "--piece-length")]
    [InlineData(2, "--piece-length: 'lots' is not a power of two", "SRC", "-t", "http://x/a", "-o", "OUT", "--piece-length", "lots")]
    [InlineData(2, "--piece-length: '20000' is not a power of two", "SRC", "-t", "http://x/a", "-o", "OUT", "--piece-length", "20000")]
    [InlineData(2, "tracker 'ftp://x/a' is not an absolute http/https/udp URL", "SRC", "-t", "ftp://x/a", "-o", "OUT")]
    [InlineData(2, "Unrecognized command or argument 'OTHER'", "SRC", "OTHER", "-t", "http://x/a", "-o", "OUT")]
    [InlineData(1, "/nonexistent/dir: no such file or directory", "/nonexistent/dir", "-t", "http://x/a", "-o", "OUT")]
    [InlineData(1, "-o DIR: is a directory", "SRC", "-t", "http://x/a", "-o", "DIR")]
    [InlineData(2, "--hybrid and --v2 cannot be combined", "SRC", "-t", "http://x/a", "-o", "OUT", "--hybrid", "--v2")]
    public async Task Bad_command_lines_are_one_line_errors(int exitCode, string message, params string[] args)
    {
        var content = RealToolsTests.MakeContent(_dir);
        args = args.Select(a => a switch { "SRC" => content, "OUT" => Path.Combine(_dir, "o.torrent"), "OTHER" => "OTHER", _ => a }).ToArray();
        if (args.Contains("DIR")) message = message.Replace("DIR", _dir);
        args = args.Select(a => a == "DIR" ? _dir : a).ToArray();
        var (code, _, error) = await InProcessHost.RunAsync(["create", .. args]);
        Assert.Equal(exitCode, code);
        Assert.Contains("error: " + message, error);
        Assert.Equal(exitCode == 2 ? 2 : 1, error.TrimEnd().Split('\n').Length);
    }
}

[Collection(ConsoleCollection.Name)]
public class HostErrorOutputTests
{
    [Fact]
    public async Task Info_on_a_malformed_torrent_prints_one_error_line_and_exits_1()
    {
        var (code, _, text) = await InProcessHost.RunAsync("info", Path.Combine(RepoPaths.Corpus, "string.torrent"));
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", text);
        Assert.Contains("expected a dictionary at the top level", text);
        Assert.Single(text.TrimEnd().Split('\n'));
    }
}
