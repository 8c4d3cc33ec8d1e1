using Engine.Cluster.Trackers;
using Engine.TrackerServer;

namespace Engine.Tests.Cluster.Trackers;

public sealed class SwarmShardTests
{
    [Fact]
    public void The_clusters_caps_are_shared_among_the_shards()
    {
        var o = SwarmShard.PerShard(new TrackerOptions(), 64);
        Assert.Equal(100_000 / 64, o.MaxTorrents);
        Assert.Equal(1_000_000 / 64, o.MaxPeers);
        Assert.Equal(10_000 / 64, o.MaxPublished);
        Assert.Equal(256L * 1024 * 1024 / 64, o.MaxPublishedBytes);
        Assert.Equal(10_000, o.MaxPeersPerTorrent);
        o.Validate();
    }

    [Fact]
    public void A_shard_always_holds_at_least_one_swarm_a_full_swarm_and_the_largest_file()
    {
        var o = SwarmShard.PerShard(new TrackerOptions { MaxTorrents = 10, MaxPeers = 10, MaxPublished = 10, MaxPublishedBytes = 10 }, 64);
        Assert.Equal((1, 10_000, 1), (o.MaxTorrents, o.MaxPeers, o.MaxPublished));
        Assert.Equal(o.MaxTorrentFileBytes, o.MaxPublishedBytes);
        Assert.Equal(0, SwarmShard.PerShard(new TrackerOptions { MaxPublished = 0 }, 64).MaxPublished); // publishing off stays off
    }
}
