using System.Text.Json;
using Engine.Core.Metainfo;
using Engine.Metainfo;
using Engine.Tests.Metainfo;
using Engine.Tests.Support;

namespace Engine.Tests.Core.Metainfo;

/// <summary>The file lists of the corpus torrents: safe, and equal to python3-libtorrent's sanitised lists.</summary>
public class CorpusPathTests
{
    private static IEnumerable<(string File, TorrentMetainfo Meta)> Loadable()
    {
        foreach (var path in Directory.GetFiles(RepoPaths.Corpus, "*.torrent").Order())
        {
            TorrentMetainfo meta;
            try { meta = TorrentMetainfo.Load(path); }
            catch (MetainfoException) { continue; }
            yield return (Path.GetFileName(path), meta);
        }
    }

    [Fact]
    public void No_corpus_torrent_can_place_a_file_outside_the_download_directory()
    {
        var root = Path.GetFullPath(Path.Combine(Path.GetTempPath(), "download-root")) + Path.DirectorySeparatorChar;
        var checkedFiles = 0;
        foreach (var (file, meta) in Loadable())
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var f in meta.Files)
            {
                var full = Path.GetFullPath(Path.Combine(root, f.Path));
                Assert.True(full.StartsWith(root, StringComparison.Ordinal), $"{file}: '{f.Path}' escapes to {full}");
                Assert.Equal(f.Path, string.Join('/', f.PathComponents));
                foreach (var c in f.PathComponents)
                {
                    Assert.False(c is "" or "." or "..", $"{file}: component '{c}'");
                    Assert.DoesNotContain('/', c);
                    Assert.DoesNotContain('\\', c);
                    Assert.DoesNotContain(c, ch => ch < 0x20);
                    Assert.True(System.Text.Encoding.UTF8.GetByteCount(c) <= 255, $"{file}: component too long");
                }
                if (!f.IsPadding) Assert.True(seen.Add(f.Path), $"{file}: duplicate path {f.Path}");
                checkedFiles++;
            }
            if (meta.IsMultiFile) Assert.All(meta.Files, f => Assert.Equal(meta.Name, f.PathComponents[0]));
            else Assert.Equal(meta.Name, Assert.Single(meta.Files).Path);
        }
        Assert.True(checkedFiles > 200, $"only {checkedFiles} files checked");
    }

    private const string DumpAll = """
        import json, sys, os, libtorrent as lt
        out = {}
        for f in sorted(os.listdir(sys.argv[1])):
            if not f.endswith(".torrent"): continue
            try: ti = lt.torrent_info(os.path.join(sys.argv[1], f))
            except Exception: continue
            fs = ti.files()
            out[f] = [[fs.file_path(i), fs.file_size(i), fs.file_offset(i), int(fs.file_flags(i)) & 1] for i in range(fs.num_files())]
        print(json.dumps(out))
        """;

    [Fact]
    public void Corpus_file_lists_equal_libtorrents_sanitised_lists()
    {
        var lt = JsonSerializer.Deserialize<Dictionary<string, List<JsonElement[]>>>(ExternalTools.RunLibtorrentPython(DumpAll, RepoPaths.Corpus))!;
        var compared = 0;
        foreach (var (file, meta) in Loadable())
        {
            // libtorrent names the v2 file "\\" after the torrent's own directory ("test"); we call it "_.1" as for v1 paths.
            if (file == "v2_invalid_filename2.torrent") continue;
            Assert.True(lt.TryGetValue(file, out var expected), $"{file} loads here but not in libtorrent");
            // For hybrids libtorrent rebuilds the list from the v2 file tree, which may order an empty
            // file and a padding file differently: same bytes, so compare those lists unordered.
            // Padding files are never written, so only their place in the byte stream is compared.
            var theirs = expected.Select(e => Describe(e[3].GetInt32() == 1 ? null : e[0].GetString(), e[1].GetInt64(), e[2].GetInt64()));
            var ours = meta.Files.Select(f => Describe(f.IsPadding ? null : f.Path, f.Length, f.Offset));
            if (meta.IsHybrid) { theirs = theirs.Order(); ours = ours.Order(); }
            Assert.Equal(theirs.ToList(), ours.ToList());
            compared++;
        }
        Assert.True(compared > 50, $"only {compared} torrents compared");
    }

    private static string Describe(string? path, long length, long offset)
        => length == 0 ? $"{path ?? "padding"} empty" : $"{path ?? "padding"} {length} @{offset}";

    [Theory]
    [InlineData("parent_path.torrent", "temp/bar")]
    [InlineData("hidden_parent_path.torrent", "temp/foo......bar/bar")]
    [InlineData("absolute_filename.torrent", "temp/abcde|temp/foobar")]
    [InlineData("backslash_path.torrent", "temp/bar")]
    [InlineData("slash_path2.torrent", "temp/abc....def/bar")]
    [InlineData("slash_path3.torrent", "temp....abc")]
    [InlineData("empty_path.torrent", "temp/_/_")]
    [InlineData("empty_path_multi.torrent", "temp/abcde|temp/_|temp/_.1")]
    [InlineData("invalid_directory_name.torrent", "test2/foo|test2/foo.1")]
    [InlineData("invalid_filename2.torrent", "est2/f|est2/_|est2/_.1")]
    [InlineData("duplicate_files.torrent", "temp/foo/bar.txt|temp/foo/bar.1.txt")]
    [InlineData("v2_invalid_filename2.torrent", "test/_|test/_.1|test/stress_test2")]
    [InlineData("invalid_name2.torrent", "b61560c2918f463768cd122b6d2fdd47b77bdb35/foo/bar.txt|b61560c2918f463768cd122b6d2fdd47b77bdb35/foo/var.txt")]
    public void Hostile_paths_are_sanitised(string file, string expected)
    {
        var meta = TorrentMetainfo.Load(Path.Combine(RepoPaths.Corpus, file));
        Assert.Equal(expected, string.Join('|', meta.Files.Select(f => f.Path)));
    }

    [Fact]
    public void Symlink_entries_carry_no_data_and_a_sanitised_target()
    {
        var meta = TorrentMetainfo.Load(Path.Combine(RepoPaths.Corpus, "symlink_filtered_path.torrent"));
        var link = Assert.Single(meta.Files, f => f.IsSymlink);
        Assert.Equal("temp/a/foo", link.Path);
        Assert.Equal(0, link.Length);
        Assert.Equal("a/bar", link.SymlinkTarget);
    }

    [Fact]
    public void Padding_files_are_recognised_by_attribute_and_by_legacy_name()
    {
        Assert.True(TorrentMetainfo.Load(Path.Combine(RepoPaths.Corpus, "pad_file.torrent")).Files[1].IsPadding);
        var noPath = TorrentMetainfo.Load(Path.Combine(RepoPaths.Corpus, "pad_file_no_path.torrent")).Files[1];
        Assert.True(noPath.IsPadding);
        Assert.Equal("temp/.pad/2124", noPath.Path);
    }

    [Fact]
    public void Hybrid_torrents_load_through_their_v1_part()
    {
        var meta = TorrentMetainfo.Load(Path.Combine(RepoPaths.Corpus, "v2_hybrid.torrent"));
        Assert.True(meta.IsHybrid);
        Assert.Equal("514c76c1f27ec61ca8b37851bcd1cbf0b26cf120", meta.InfoHash.ToHex());
        Assert.Equal(9, meta.Files.Count(f => !f.IsPadding));
        Assert.Equal("518fbaf39b37020c896e8768a967da6d76bbd5ef7a02c761021b65a72c6cfa11", Convert.ToHexStringLower(meta.InfoHashV2.Span)); // libtorrent's
    }

    [Theory]
    [InlineData("v2_only.torrent", 1)]
    [InlineData("v2_multiple_files.torrent", 5)]
    public void Pure_v2_torrents_load_as_v2_only_with_libtorrents_file_list(string file, int files)
    {
        var meta = TorrentMetainfo.Load(Path.Combine(RepoPaths.Corpus, file));
        Assert.True(meta.IsV2Only);
        Assert.Equal(files, meta.Files.Count);
    }

    [Theory]
    [InlineData("v2_bad_file_alignment.torrent", "'pieces' holds 3002 hash(es)")]
    [InlineData("v2_mismatching_metadata.torrent", "differs between the v1 part and the v2")]
    [InlineData("v2_invalid_file.torrent", "invalid 'file tree' entry")]
    public void Inconsistent_hybrids_are_refused(string file, string message)
    {
        var e = Assert.Throws<MetainfoException>(() => TorrentMetainfo.Load(Path.Combine(RepoPaths.Corpus, file)));
        Assert.Contains(message, e.Message);
    }
}
