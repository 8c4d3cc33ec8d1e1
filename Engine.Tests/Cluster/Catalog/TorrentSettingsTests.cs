using Engine.Api;
using Engine.Cluster.Catalog;
using Engine.Core.Primitives;

namespace Engine.Tests.Cluster.Catalog;

public sealed class TorrentSettingsTests
{
    private static readonly InfoHash Hash = InfoHash.FromHex(new string('a', 40));
    private static readonly InfoHash Other = InfoHash.FromHex(new string('b', 40));

    [Fact]
    public void Registers_group_by_torrent_and_keys_that_name_no_torrent_are_left_out()
    {
        var grouped = TorrentSettings.ByTorrent([
            new(TorrentSettings.Key(Hash, TorrentSettings.Upload), "100"),
            new(TorrentSettings.Key(Hash, TorrentSettings.File(2)), "3"),
            new(TorrentSettings.Key(Other, TorrentSettings.Download), ""),
            new("nonsense|up", "5"),
            new(new string('a', 40), "5"),
        ]);
        Assert.Equal(2, grouped.Count);
        Assert.Equal(new Dictionary<string, string> { ["up"] = "100", ["f2"] = "3" }, grouped[Hash]);
        Assert.Equal(new Dictionary<string, string> { ["down"] = "" }, grouped[Other]);
        Assert.True(TorrentSettings.IsOf(TorrentSettings.Key(Hash, "f0"), Hash));
        Assert.False(TorrentSettings.IsOf(TorrentSettings.Key(Other, "f0"), Hash));
    }

    [Fact]
    public void A_register_takes_the_place_of_the_entrys_own_field_and_a_field_without_one_keeps_the_entrys()
    {
        // A v3 entry, as a node of the version before wrote it: upload, download and priorities in the entry itself.
        var v3 = CatalogEntry.TryDecode((new CatalogEntry([1], 2, [])
        {
            UploadLimit = 1000, DownloadLimit = 2000, FilePriorities = [FilePriority.High, FilePriority.Low],
        }).Encode(), out _)!;
        var merged = TorrentSettings.Apply(v3, new Dictionary<string, string> { ["up"] = "", ["f1"] = "0", ["f3"] = "2" }, fileCount: 4);
        Assert.Null(merged.UploadLimit); // an empty register lifts the limit
        Assert.Equal(2000, merged.DownloadLimit);
        Assert.Equal([FilePriority.High, FilePriority.Skip, FilePriority.Normal, FilePriority.Normal], merged.FilePriorities);
        Assert.Same(v3, TorrentSettings.Apply(v3, null, 4));
    }

    [Theory]
    [InlineData("up", "0")]
    [InlineData("up", "-5")]
    [InlineData("down", "lots")]
    [InlineData("f9", "1")] // past the torrent's files
    [InlineData("f0", "4")]
    [InlineData("f0", "")]
    [InlineData("fx", "1")]
    [InlineData("f", "1")]
    [InlineData("color", "blue")]
    public void A_malformed_register_is_ignored(string field, string value)
    {
        var entry = new CatalogEntry([1], 1, []) { UploadLimit = 7, DownloadLimit = 8 };
        var merged = TorrentSettings.Apply(entry, new Dictionary<string, string> { [field] = value }, fileCount: 3);
        Assert.Equal((7L, 8L), (merged.UploadLimit!.Value, merged.DownloadLimit!.Value));
        Assert.Null(merged.FilePriorities);
    }
}
