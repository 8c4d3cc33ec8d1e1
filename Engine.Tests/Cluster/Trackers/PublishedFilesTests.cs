using Akka.Cluster;
using Akka.DistributedData;
using Engine.Cluster.Trackers;
using static Engine.Tests.TrackerServer.TrackerTestData;

namespace Engine.Tests.Cluster.Trackers;

public sealed class PublishedFilesTests
{
    private static readonly UniqueAddress Node = new(new Akka.Actor.Address("akka.tcp", "tracker-cluster", "127.0.0.1", 4054), 1);

    [Fact]
    public void A_shards_files_come_back_byte_identical_in_info_hash_order()
    {
        var files = Enumerable.Range(0, 4).Select(i => TorrentFile($"f{i}", 1000 + i)).ToList();
        var data = LWWDictionary<string, string>.Empty;
        foreach (var f in files) data = data.SetItem(Node, HashOf(f).ToHex(), PublishedFiles.Entry(f));
        var expected = files.OrderBy(f => HashOf(f).ToHex(), StringComparer.Ordinal).ToList();
        Assert.Equal(expected, PublishedFiles.Files(data));
    }

    [Fact]
    public void Entries_that_are_not_an_info_hash_and_base64_are_skipped()
    {
        var file = TorrentFile("good", 5000);
        var data = LWWDictionary<string, string>.Empty
            .SetItem(Node, HashOf(file).ToHex(), PublishedFiles.Entry(file))
            .SetItem(Node, "not a hash", PublishedFiles.Entry(file))
            .SetItem(Node, new string('a', 40), "%%% not base64 %%%");
        Assert.Equal([file], PublishedFiles.Files(data));
    }

    [Fact]
    public void Each_shard_has_a_key_of_its_own()
    {
        Assert.Equal("tracker-published-7", PublishedFiles.Key("7").Id);
        Assert.NotEqual(PublishedFiles.Key("7").Id, PublishedFiles.Key("8").Id);
    }
}
