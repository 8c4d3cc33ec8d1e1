using Engine.Core.Primitives;
using Engine.Core.Trackers;
using Engine.TrackerServer;
using static Engine.Tests.TrackerServer.TrackerTestData;

namespace Engine.Tests.TrackerServer;

public class TrackerRegistryCatalogTests
{
    private static TrackerRegistry Registry(TrackerOptions? options = null) => new(options ?? new TrackerOptions(), new Random(1));

    [Fact]
    public void Published_torrent_is_listed_by_name_and_size_and_its_file_can_be_fetched()
    {
        var r = Registry();
        var file = TorrentFile("movie.mkv", 123456);
        var result = r.Publish(file);
        Assert.True(result.IsSuccess, result.Error);
        Assert.Equal("movie.mkv", result.Name);
        Assert.Equal(123456, result.Size);
        Assert.False(result.AlreadyPublished);
        Assert.Equal(file, r.GetTorrentFile(result.InfoHash));
        var entry = Assert.Single(r.Catalog());
        Assert.Equal(new CatalogEntry(result.InfoHash, "movie.mkv", 123456, 0, 0, 0, true), entry);
        Assert.Empty(r.Peers(result.InfoHash)!);
        Assert.Equal("movie.mkv", r.Scrape(result.InfoHash).Name);
    }

    [Fact]
    public void Catalog_counts_follow_announces_and_lists_published_first_by_name()
    {
        var r = Registry();
        var b = r.Publish(TorrentFile("b", 10)).InfoHash;
        var a = r.Publish(TorrentFile("a", 20)).InfoHash;
        r.Announce(Announce(b, 1, left: 0), Ip(1), T0);
        r.Announce(Announce(b, 2, left: 0, e: AnnounceEvent.Completed), Ip(2), T0);
        r.Announce(Announce(b, 3), Ip(3), T0);
        r.Announce(Announce(Hash(7), 4), Ip(4), T0);
        var catalog = r.Catalog();
        Assert.Equal([a, b, Hash(7)], catalog.Select(c => c.InfoHash));
        Assert.Equal(new CatalogEntry(b, "b", 10, 2, 1, 1, true), catalog[1]);
        Assert.Equal(new CatalogEntry(Hash(7), null, null, 0, 1, 0, false), catalog[2]);
        Assert.Equal(2, r.Catalog(limit: 2).Count);
        Assert.Equal(3, r.Peers(b)!.Count);
    }

    [Fact]
    public void Publishing_twice_keeps_the_first_file()
    {
        var r = Registry();
        var file = TorrentFile("x", 1);
        r.Publish(file);
        var again = r.Publish(file);
        Assert.True(again.IsSuccess);
        Assert.True(again.AlreadyPublished);
        Assert.Equal(1, r.PublishedCount);
    }

    [Fact]
    public void Garbage_oversized_and_unlisted_torrents_are_refused_with_a_reason()
    {
        Assert.Contains("not a valid .torrent file", Registry().Publish("hello"u8.ToArray()).Error);
        Assert.Contains("missing or invalid 'info'", Registry().Publish("d3:fooi1ee"u8.ToArray()).Error);
        var big = TorrentFile("big", 1L << 30);
        Assert.Contains("more than the 1000 allowed", Registry(new TrackerOptions { MaxTorrentFileBytes = 1000 }).Publish(big).Error);
        var allowList = Registry(new TrackerOptions { AllowList = new HashSet<InfoHash> { Hash(1) } });
        Assert.Equal(TrackerRegistry.NotAllowedMessage, allowList.Publish(TorrentFile("x", 1)).Error);
        Assert.Equal(0, allowList.PublishedCount);
    }

    [Fact]
    public void Allow_listed_torrents_can_be_published()
    {
        var file = TorrentFile("ok", 5);
        var r = Registry(new TrackerOptions { AllowList = new HashSet<InfoHash> { HashOf(file) } });
        Assert.True(r.Publish(file).IsSuccess);
    }

    [Fact]
    public void Publishing_stops_at_the_count_and_byte_caps()
    {
        var r = Registry(new TrackerOptions { MaxPublished = 2 });
        Assert.True(r.Publish(TorrentFile("1", 1)).IsSuccess);
        Assert.True(r.Publish(TorrentFile("2", 1)).IsSuccess);
        Assert.Contains("catalog is full (2 torrents)", r.Publish(TorrentFile("3", 1)).Error);
        var file = TorrentFile("1", 1);
        var bytes = Registry(new TrackerOptions { MaxPublishedBytes = file.Length * 2 - 1 });
        Assert.True(bytes.Publish(file).IsSuccess);
        Assert.Contains("bytes of .torrent files", bytes.Publish(TorrentFile("2", 1)).Error);
    }

    [Fact]
    public void Published_swarms_are_not_evicted_or_dropped_when_empty()
    {
        var r = Registry(new TrackerOptions { MaxTorrents = 2, Interval = TimeSpan.FromMinutes(1), Grace = TimeSpan.Zero });
        var published = r.Publish(TorrentFile("keep", 1)).InfoHash;
        r.Announce(Announce(published, 1, left: 0, e: AnnounceEvent.Completed), Ip(1), T0);
        for (var t = 0; t < 10; t++) r.Announce(Announce(Hash(t), 2), Ip(2), T0);
        Assert.Equal(2, r.UnpublishedTorrentCount);
        Assert.Single(r.Peers(published)!);
        r.Expire(T0 + TimeSpan.FromHours(1));
        Assert.Equal(0, r.PeerCount);
        Assert.Equal(1, r.TorrentCount);
        Assert.Equal(new CatalogEntry(published, "keep", 1, 0, 0, 1, true), Assert.Single(r.Catalog()));
    }

    [Fact]
    public void Publishing_an_active_swarm_moves_it_out_of_the_eviction_order()
    {
        var r = Registry(new TrackerOptions { MaxTorrents = 1 });
        var file = TorrentFile("late", 1);
        var hash = HashOf(file);
        r.Announce(Announce(hash, 1), Ip(1), T0);
        r.Publish(file);
        r.Announce(Announce(Hash(1), 2), Ip(2), T0);
        r.Announce(Announce(Hash(2), 3), Ip(3), T0);
        Assert.Single(r.Peers(hash)!);
    }
}
