using System.Security.Cryptography;
using System.Text;
using Engine.Core.Bencode;
using Engine.Core.Metainfo;
using Engine.Metainfo;
using static Engine.Tests.Metainfo.TorrentBuilder;

namespace Engine.Tests.Core.Metainfo;

public class TorrentMetainfoTests
{
    private static MetainfoException Refused(byte[] torrent) => Assert.Throws<MetainfoException>(() => TorrentMetainfo.Parse(torrent));

    [Fact]
    public void Single_file_torrent_has_one_file_named_after_the_torrent()
    {
        var meta = TorrentMetainfo.Parse(Torrent(SingleFileInfo("movie.mkv", 40000)));
        Assert.False(meta.IsMultiFile);
        Assert.Equal("movie.mkv", meta.Name);
        var file = Assert.Single(meta.Files);
        Assert.Equal("movie.mkv", file.Path);
        Assert.Equal(40000, file.Length);
        Assert.Equal(3, meta.PieceCount);
        Assert.Equal(40000 - 2 * 16384, meta.Layout.LastPieceLength);
    }

    [Fact]
    public void Multi_file_offsets_run_through_the_byte_stream()
    {
        var meta = TorrentMetainfo.Parse(Torrent(MultiFileInfo("dir", 16384, File(10, "a"), File(0, "b", "empty"), File(20000, "b", "c.bin"))));
        Assert.True(meta.IsMultiFile);
        Assert.Equal(["dir/a", "dir/b/empty", "dir/b/c.bin"], meta.Files.Select(f => f.Path));
        Assert.Equal([0L, 10, 10], meta.Files.Select(f => f.Offset));
        Assert.Equal(["dir", "b", "c.bin"], meta.Files[2].PathComponents);
        Assert.Equal(20010, meta.TotalLength);
        Assert.Equal(2, meta.PieceCount);
    }

    [Fact]
    public void Info_hash_is_the_sha1_of_the_raw_info_bytes_even_when_keys_are_unsorted()
    {
        var info = "d4:name1:x6:lengthi5e12:piece lengthi16384e6:pieces20:" + new string('a', 20) + "e";
        var data = Encoding.Latin1.GetBytes("d4:info" + info + "e");
        var meta = TorrentMetainfo.Parse(data);
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(Encoding.Latin1.GetBytes(info))), meta.InfoHash.ToHex());
        Assert.Equal(info, Encoding.Latin1.GetString(meta.RawInfo.Span));
    }

    [Fact]
    public void Piece_hashes_are_sliced_per_piece()
    {
        var pieces = new byte[60];
        for (var i = 0; i < 60; i++) pieces[i] = (byte)(i / 20 + 1);
        var info = SingleFileInfo("x", 40000);
        var built = new BDictionaryBuilder();
        foreach (var (k, v) in info.Build().Entries) built.Add(k.Text, k.Text == "pieces" ? new BString(pieces) : v);
        var meta = TorrentMetainfo.Parse(Torrent(built));
        Assert.Equal(Enumerable.Repeat((byte)2, 20).ToArray(), meta.GetPieceHash(1).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => meta.GetPieceHash(3).ToArray());
    }

    [Fact]
    public void Optional_fields_are_read()
    {
        var meta = TorrentMetainfo.Parse(Torrent(SingleFileInfo("x", 5).Add("private", 1), top => top
            .Add("announce", " http://t1/announce ")
            .Add("announce-list", new BList(new BList(new BString("http://t1/announce"), new BString("http://t2/announce")), new BList(), new BList(new BString("udp://t3:80"), new BInteger(5))))
            .Add("url-list", "http://seed/")
            .Add("httpseeds", new BList(new BString("http://hs/"), new BString("http://hs/")))
            .Add("comment", "hello")
            .Add("created by", "tests")
            .Add("creation date", 1_700_000_000)));
        Assert.Equal("http://t1/announce", meta.Announce);
        Assert.Equal(2, meta.AnnounceTiers.Count);
        Assert.Equal(["http://t1/announce", "http://t2/announce"], meta.AnnounceTiers[0]);
        Assert.Equal(["udp://t3:80"], meta.AnnounceTiers[1]);
        Assert.Equal(["http://seed/"], meta.UrlList);
        Assert.Equal(["http://hs/"], meta.HttpSeeds);
        Assert.True(meta.IsPrivate);
        Assert.Equal("hello", meta.Comment);
        Assert.Equal("tests", meta.CreatedBy);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), meta.CreationDate);
    }

    [Fact]
    public void Announce_alone_becomes_a_single_tier()
    {
        var meta = TorrentMetainfo.Parse(Torrent(SingleFileInfo("x", 5), top => top.Add("announce", "udp://only:1")));
        Assert.Equal(["udp://only:1"], Assert.Single(meta.AnnounceTiers));
        Assert.Empty(meta.UrlList);
        Assert.False(meta.IsPrivate);
        Assert.Null(meta.CreationDate);
    }

    [Fact]
    public void Utf8_variants_of_name_and_path_are_preferred()
    {
        var file = File(5, "legacy").Add("path.utf-8", new[] { "nouveau" });
        var meta = TorrentMetainfo.Parse(Torrent(MultiFileInfo("old", 16384, file).Add("name.utf-8", "neu")));
        Assert.Equal("neu", meta.Name);
        Assert.Equal("neu/nouveau", meta.Files[0].Path);
    }

    [Fact]
    public void Nul_in_a_path_is_refused() =>
        Assert.Contains("NUL", Refused(Torrent(MultiFileInfo("d", 16384, File(5, "a\0b")))).Message);

    [Fact]
    public void Control_characters_and_invalid_utf8_become_underscores()
    {
        var bad = new BString(new byte[] { (byte)'a', 0x01, 0xff, (byte)'b' });
        var file = new BDictionaryBuilder().Add("length", 5).Add("path", new BList(bad));
        Assert.Equal("d/a__b", TorrentMetainfo.Parse(Torrent(MultiFileInfo("d", 16384, file))).Files[0].Path);
    }

    [Fact]
    public void Direction_override_characters_are_removed() =>
        Assert.Equal("d/txt.exe", TorrentMetainfo.Parse(Torrent(MultiFileInfo("d", 16384, File(5, "txt\u202E.exe")))).Files[0].Path);

    [Fact]
    public void Over_long_components_keep_240_bytes_and_their_extension()
    {
        var meta = TorrentMetainfo.Parse(Torrent(MultiFileInfo("d", 16384, File(5, new string('é', 200) + ".mkv"))));
        var last = meta.Files[0].PathComponents[^1];
        Assert.Equal(new string('é', 120) + ".mkv", last);
        Assert.True(Encoding.UTF8.GetByteCount(last) <= 255);
    }

    [Fact]
    public void Names_differing_only_in_case_are_made_distinct()
    {
        var meta = TorrentMetainfo.Parse(Torrent(MultiFileInfo("d", 16384, File(5, "Read.me"), File(5, "READ.ME"))));
        Assert.Equal(["d/Read.me", "d/READ.1.ME"], meta.Files.Select(f => f.Path));
    }

    [Fact]
    public void A_file_cannot_take_the_place_of_a_directory()
    {
        var meta = TorrentMetainfo.Parse(Torrent(MultiFileInfo("d", 16384, File(5, "x"), File(5, "x", "inner"))));
        Assert.Equal(["d/x.1", "d/x/inner"], meta.Files.Select(f => f.Path));
    }

    [Fact]
    public void Too_many_duplicate_names_are_refused()
    {
        var files = Enumerable.Range(0, 102).Select(_ => File(1, "same")).ToArray();
        Assert.Contains("too many duplicate file names", Refused(Torrent(MultiFileInfo("d", 16384, files))).Message);
    }

    [Fact]
    public void Name_that_is_only_dots_falls_back_to_the_info_hash()
    {
        var meta = TorrentMetainfo.Parse(Torrent(SingleFileInfo("..", 5)));
        Assert.Equal(meta.InfoHash.ToHex(), meta.Name);
    }

    [Fact]
    public void Piece_count_mismatch_names_both_counts()
    {
        var data = Torrent(new BDictionaryBuilder().Add("name", "x").Add("length", 40000).Add("piece length", 16384).Add("pieces", new byte[40]));
        Assert.Contains("'pieces' holds 2 hash(es) but 40000 bytes in pieces of 16384 need 3", Refused(data).Message);
    }

    [Theory]
    [InlineData("piece length", "invalid 'piece length' 0")]
    [InlineData("name", "missing or invalid 'name'")]
    [InlineData("pieces", "missing or invalid 'pieces'")]
    public void Missing_or_bad_required_keys_are_named(string key, string message)
    {
        var info = new BDictionaryBuilder();
        foreach (var (k, v) in SingleFileInfo("x", 5).Build().Entries)
            if (k.Text != key) info.Add(k.Text, v);
        if (key == "piece length") info.Add(key, 0);
        Assert.Contains(message, Refused(Torrent(info)).Message);
    }

    [Fact]
    public void Zero_total_length_is_refused() =>
        Assert.Contains("no data", Refused(Torrent(new BDictionaryBuilder().Add("name", "x").Add("length", 0).Add("piece length", 16384).Add("pieces", ""))).Message);

    [Fact]
    public void Negative_file_length_is_refused() =>
        Assert.Contains("negative length", Refused(Torrent(new BDictionaryBuilder().Add("name", "d").Add("piece length", 16384)
            .Add("pieces", new byte[20]).Add("files", new BList(File(-5, "a").Build())))).Message);

    [Fact]
    public void A_file_without_path_is_refused() =>
        Assert.Contains("missing or invalid 'path'", Refused(Torrent(MultiFileInfo("d", 16384, new BDictionaryBuilder().Add("length", 5).Add("pieces root", Enumerable.Repeat((byte)7, 32).ToArray())))).Message);

    [Fact]
    public void Top_level_must_be_a_dictionary() =>
        Assert.Contains("expected a dictionary", Refused("4:spam"u8.ToArray()).Message);

    [Fact]
    public void Bencode_errors_are_wrapped_with_their_offset() =>
        Assert.Contains("invalid bencode at byte", Refused("d4:infod"u8.ToArray()).Message);

    [Fact]
    public void A_final_newline_is_tolerated_but_other_trailing_bytes_are_not()
    {
        var data = Torrent(SingleFileInfo("x", 5));
        TorrentMetainfo.Parse(data.Concat("\n"u8.ToArray()).ToArray());
        Assert.Contains("trailing data", Refused(data.Concat("junk"u8.ToArray()).ToArray()).Message);
    }

    [Fact]
    public void Hybrid_with_a_misaligned_file_is_refused()
    {
        var info = MultiFileInfo("d", 16384, File(5, "a"), File(5, "b"))
            .Add("meta version", 2)
            .Add("file tree", new BDictionaryBuilder()
                .Add("a", new BDictionaryBuilder().Add("", new BDictionaryBuilder().Add("length", 5).Add("pieces root", Enumerable.Repeat((byte)7, 32).ToArray())))
                .Add("b", new BDictionaryBuilder().Add("", new BDictionaryBuilder().Add("length", 5).Add("pieces root", Enumerable.Repeat((byte)7, 32).ToArray()))));
        Assert.Contains("not on a piece boundary", Refused(Torrent(info)).Message);
    }

    [Fact]
    public void Hybrid_with_matching_halves_loads()
    {
        var info = MultiFileInfo("d", 16384, File(5, "a"), File(16379, ".pad", "16379").Add("attr", "p"), File(5, "b"))
            .Add("meta version", 2)
            .Add("file tree", new BDictionaryBuilder()
                .Add("a", new BDictionaryBuilder().Add("", new BDictionaryBuilder().Add("length", 5).Add("pieces root", Enumerable.Repeat((byte)7, 32).ToArray())))
                .Add("b", new BDictionaryBuilder().Add("", new BDictionaryBuilder().Add("length", 5).Add("pieces root", Enumerable.Repeat((byte)7, 32).ToArray()))));
        var meta = TorrentMetainfo.Parse(Torrent(info));
        Assert.True(meta.IsHybrid);
        Assert.Equal([false, true, false], meta.Files.Select(f => f.IsPadding));
        Assert.Equal(SHA256.HashData(meta.RawInfo.Span), meta.InfoHashV2.ToArray());
        Assert.Equal(SHA1.HashData(meta.RawInfo.Span), meta.InfoHash.ToArray());
    }

    [Fact]
    public void Load_reports_a_missing_file_as_a_metainfo_error() =>
        Assert.Contains("cannot read", Assert.Throws<MetainfoException>(() => TorrentMetainfo.Load("/nonexistent/x.torrent")).Message);

    [Fact]
    public void Random_corruptions_of_a_valid_torrent_never_throw_anything_but_metainfo_errors()
    {
        var valid = Torrent(MultiFileInfo("d", 16384, File(5, "a"), File(40000, "b", "c")), t => t.Add("announce", "http://x/"));
        var rng = new Random(4242);
        for (var n = 0; n < 5000; n++)
        {
            var data = (byte[])valid.Clone();
            for (var k = rng.Next(1, 4); k > 0; k--) data[rng.Next(data.Length)] = (byte)rng.Next(256);
            var cut = rng.Next(3) == 0 ? rng.Next(data.Length) : data.Length;
            try { TorrentMetainfo.Parse(data.AsMemory(0, cut)); }
            catch (MetainfoException) { }
        }
    }
}
