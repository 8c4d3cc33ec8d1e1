using Engine.Core.Cluster;
using Engine.Core.Primitives;

namespace Engine.Tests.Core.Cluster;

public sealed class TrackerShardsTests
{
    private static InfoHash Hash(params byte[] first)
    {
        var bytes = new byte[InfoHash.Length];
        first.CopyTo(bytes, 0);
        return InfoHash.FromBytes(bytes);
    }

    [Fact]
    public void The_shard_is_the_first_four_bytes_modulo_the_count()
    {
        Assert.Equal(0, TrackerShards.Of(Hash(0, 0, 0, 64), 64));
        Assert.Equal(5, TrackerShards.Of(Hash(0, 0, 1, 5), 64));       // 261 % 64
        Assert.Equal((int)(0xFFFFFFFFu % 64), TrackerShards.Of(Hash(0xFF, 0xFF, 0xFF, 0xFF), 64)); // unsigned: never negative
        Assert.Equal(0, TrackerShards.Of(Hash(0xAB, 0xCD), 1));
    }

    [Fact]
    public void The_same_torrent_lands_on_the_same_shard_whatever_else_differs()
    {
        var a = Hash(1, 2, 3, 4, 9, 9, 9);
        var b = Hash(1, 2, 3, 4, 7, 7, 7);
        Assert.Equal(TrackerShards.Of(a, 64), TrackerShards.Of(b, 64));
        Assert.Equal(TrackerShards.Of(a, 64), TrackerShards.Of(InfoHash.FromHex(a.ToHex()), 64));
    }

    [Fact]
    public void Random_torrents_spread_evenly_over_the_shards()
    {
        var random = new Random(7);
        var counts = new int[TrackerShards.DefaultCount];
        var bytes = new byte[InfoHash.Length];
        const int n = 64_000;
        for (var i = 0; i < n; i++)
        {
            random.NextBytes(bytes);
            counts[TrackerShards.Of(InfoHash.FromBytes(bytes), counts.Length)]++;
        }
        Assert.All(counts, c => Assert.InRange(c, 800, 1200)); // 1000 expected each
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_count_below_one_is_refused(int count) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TrackerShards.Of(Hash(1), count));

    [Fact]
    public void A_shard_is_named_by_its_number() => Assert.Equal("17", TrackerShards.Name(17));
}
