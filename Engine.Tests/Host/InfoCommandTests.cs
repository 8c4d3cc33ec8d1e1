using Engine.Host.Commands;
using Engine.Tests.Support;

namespace Engine.Tests.Host;

public class InfoCommandTests
{
    private static string Corpus(string file) => Path.Combine(RepoPaths.Corpus, file);

    private static string Run(params string[] args)
    {
        var output = new StringWriter();
        Assert.Equal(0, InfoCommand.Run(args.Single(), output));
        return output.ToString();
    }

    [Fact]
    public void Prints_name_hash_size_pieces_files_and_trackers_of_a_torrent()
    {
        var text = Run(Corpus("sample.torrent"));
        Assert.Contains("name:          sample", text);
        Assert.Contains("info-hash:     58d8d15a4eb3bd9afabc9cee2564f78192777edb", text);
        Assert.Contains("size:          16.02 KiB (16404 bytes)", text);
        Assert.Contains("pieces:        2 x 16 KiB (16384 bytes)", text);
        Assert.Contains("private:       no", text);
        Assert.Contains("comment:       sample comment", text);
        Assert.Contains("  tier 1: udp://tracker.opentracker.com:80/announce", text);
        Assert.Contains("  tier 2: tracker.publicbt.com:80/announce", text);
        Assert.Contains("files:         2 (+1 padding)", text);
        Assert.Contains("  sample/text_file2.txt  25 B", text);
        Assert.Contains("  sample/text_file.txt  20 B", text);
        Assert.DoesNotContain("padding_file", text);
    }

    [Fact]
    public void Prints_web_seeds()
    {
        var text = Run(Corpus("url_seed.torrent"));
        Assert.Contains("web seeds:     \n  http://test.com/file", text.ReplaceLineEndings("\n"));
        Assert.Contains("trackers:      none", text);
    }

    [Fact]
    public void Prints_every_loadable_corpus_torrent_without_error()
    {
        var printed = 0;
        foreach (var file in Directory.GetFiles(RepoPaths.Corpus, "*.torrent"))
        {
            var output = new StringWriter();
            try
            {
                InfoCommand.Run(file, output);
                Assert.Contains("info-hash:", output.ToString());
                printed++;
            }
            catch (CommandLineException e)
            {
                Assert.DoesNotContain('\n', e.Message);
                Assert.StartsWith(file + ": ", e.Message);
            }
        }
        Assert.True(printed > 50, $"only {printed} printed");
    }

    [Fact]
    public void Prints_both_info_hashes_of_a_hybrid()
    {
        var text = Run(Corpus("v2_hybrid.torrent"));
        Assert.Contains("info-hash:     514c76c1f27ec61ca8b37851bcd1cbf0b26cf120\n", text.ReplaceLineEndings("\n"));
        Assert.Contains("info-hash v2:  518fbaf39b37020c896e8768a967da6d76bbd5ef7a02c761021b65a72c6cfa11", text);
        Assert.Contains("format:        hybrid v1+v2 (downloads as v1)", text);
    }

    [Fact]
    public void Prints_the_v2_hash_and_its_truncation_for_a_v2_only_torrent()
    {
        var text = Run(Corpus("v2_only.torrent"));
        Assert.Contains("info-hash:     95e04d0c4bad94ab206efa884666fd89777dbe4f (v2, truncated)", text);
        Assert.Contains("info-hash v2:  95e04d0c4bad94ab206efa884666fd89777dbe4f7bd9945af1829037a85c6192", text);
        Assert.Contains("format:        v2 only", text);
        Assert.DoesNotContain("missing", text);
    }

    [Fact]
    public void Says_that_a_v2_only_torrents_missing_piece_layers_come_from_peers()
    {
        var v2 = File.ReadAllBytes(Corpus("v2_only.torrent"));
        var layers = v2.AsSpan().IndexOf("12:piece layers"u8);
        var path = Path.Combine(Path.GetTempPath(), $"v2-no-layers-{Guid.NewGuid():N}.torrent");
        File.WriteAllBytes(path, [.. v2[..layers], (byte)'e']);                     // 'piece layers' is the last key
        try
        {
            Assert.Contains("format:        v2 only (piece layers of 1 file(s) missing: fetched from peers)", Run(path));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Prints_both_hashes_of_a_hybrid_magnet_link()
    {
        var text = Run("magnet:?xt=urn:btih:c0fda1edafdbdbb96443424e0b3899af7159d10e&xt=urn:btmh:1220" + new string('a', 64));
        Assert.Contains("info-hash:     c0fda1edafdbdbb96443424e0b3899af7159d10e", text);
        Assert.Contains("info-hash v2:  " + new string('a', 64), text);
    }

    [Fact]
    public void Prints_a_magnet_link()
    {
        var text = Run("magnet:?xt=urn:btih:c0fda1edafdbdbb96443424e0b3899af7159d10e&dn=Some+Name&tr=udp://t:1&x.pe=1.2.3.4:5");
        Assert.Contains("name:          Some Name", text);
        Assert.Contains("info-hash:     c0fda1edafdbdbb96443424e0b3899af7159d10e", text);
        Assert.Contains("  udp://t:1", text);
        Assert.Contains("  1.2.3.4:5", text);
    }

    [Theory]
    [InlineData("invalid_info.torrent", "missing or invalid 'info' dictionary")]
    [InlineData("v2_invalid_piece_layer_root.torrent", "does not hash to its file's 'pieces root'")]
    [InlineData("unaligned_pieces.torrent", "not a multiple of 20")]
    public void Malformed_torrents_become_one_line_command_errors(string file, string message)
    {
        var e = Assert.Throws<CommandLineException>(() => InfoCommand.Run(Corpus(file), new StringWriter()));
        Assert.Contains(message, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Malformed_magnet_becomes_a_command_error() =>
        Assert.Contains("has 3 characters", Assert.Throws<CommandLineException>(() => InfoCommand.Run("magnet:?xt=urn:btih:abc", new StringWriter())).Message);

    [Fact]
    public void Missing_file_becomes_a_command_error() =>
        Assert.Equal("/nonexistent.torrent: no such file; give a .torrent file or a magnet link (quote it: 'magnet:?xt=...')",
            Assert.Throws<CommandLineException>(() => InfoCommand.Run("/nonexistent.torrent", new StringWriter())).Message);

    [Theory]
    [InlineData(1, "Required argument 'torrent' missing")]
    [InlineData(2, "Unrecognized command or argument 'b'", "a", "b")]
    public async Task Wrong_arguments_are_a_usage_error_pointing_at_the_help(int _, string message, params string[] args)
    {
        var (code, output, error) = await InProcessHost.RunAsync(["info", .. args]);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("error: " + message, error);
        Assert.EndsWith("info --help' for its usage", error.TrimEnd());
    }
}
