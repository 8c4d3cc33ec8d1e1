using Engine.Core.Metadata;
using Engine.Core.Metainfo;
using Engine.Tests.Support;

namespace Engine.Tests.Core.Metadata;

public sealed class MetadataTorrentFileTests
{
    [Fact]
    public void The_built_torrent_keeps_the_info_dictionary_and_takes_the_magnets_trackers_and_web_seeds()
    {
        using var data = GeneratedTorrent.Create("built", [("a.bin", 70_000), ("b/c.bin", 5)], 32 * 1024);
        var magnet = MagnetLink.Parse($"magnet:?xt=urn:btih:{data.Metainfo.InfoHash.ToHex()}&tr=http%3A%2F%2Fa%2Fannounce&tr=udp%3A%2F%2Fb%3A1&ws=http%3A%2F%2Fw%2F");
        var torrent = TorrentMetainfo.Parse(MetadataTorrentFile.Build(data.Metainfo.RawInfo.Span, magnet));
        Assert.Equal(data.Metainfo.InfoHash, torrent.InfoHash);
        Assert.Equal(data.Metainfo.Files.Select(f => f.Path), torrent.Files.Select(f => f.Path));
        Assert.Equal(["http://a/announce", "udp://b:1"], torrent.Trackers);
        Assert.Equal(["http://w/"], torrent.UrlList);
    }

    [Fact]
    public void Without_trackers_the_torrent_has_only_its_info()
    {
        using var data = GeneratedTorrent.Create("bare", [("a.bin", 10)], 32 * 1024);
        var magnet = MagnetLink.Parse($"magnet:?xt=urn:btih:{data.Metainfo.InfoHash.ToHex()}");
        var torrent = TorrentMetainfo.Parse(MetadataTorrentFile.Build(data.Metainfo.RawInfo.Span, magnet));
        Assert.Empty(torrent.Trackers);
        Assert.Equal("bare", torrent.Name);
    }
}
