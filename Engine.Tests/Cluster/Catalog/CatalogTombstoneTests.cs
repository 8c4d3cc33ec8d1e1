using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Engine.Cluster.Catalog;

namespace Engine.Tests.Cluster.Catalog;

/// <summary>Why a removed torrent leaves a tombstone: the catalog's keys are an observed-remove set.</summary>
public sealed class CatalogTombstoneTests
{
    private static readonly UniqueAddress A = new(new Address("akka.tcp", "torrents", "a", 1), 1);
    private static readonly UniqueAddress C = new(new Address("akka.tcp", "torrents", "c", 1), 3);
    private const string Key = "0123456789abcdef0123456789abcdef01234567";

    /// <summary>A adds the torrent (C sees it), then A pauses it and C removes it before the pause reaches C.</summary>
    private static (LWWDictionary<string, string> OnA, LWWDictionary<string, string> OnC) PauseOnARacingRemovalOnC(
        Func<LWWDictionary<string, string>, LWWDictionary<string, string>> removeOnC)
    {
        var onA = LWWDictionary<string, string>.Empty.SetItem(A, Key, "v2;2;;;torrent");
        var onC = LWWDictionary<string, string>.Empty.Merge(onA);
        onA = onA.SetItem(A, Key, "v2;2;;paused;torrent");
        Thread.Sleep(2); // the removal comes later in time than the pause
        return (onA, removeOnC(onC));
    }

    [Fact]
    public void A_plain_removal_loses_to_a_pause_it_had_not_seen_and_the_torrent_comes_back()
    {
        var (onA, onC) = PauseOnARacingRemovalOnC(d => d.Remove(C, Key));
        Assert.True(onA.Merge(onC).ContainsKey(Key)); // add-wins: the reason for tombstones
    }

    [Fact]
    public void A_tombstone_written_after_a_pause_it_had_not_seen_wins_on_every_node()
    {
        var (onA, onC) = PauseOnARacingRemovalOnC(d => d.SetItem(C, Key, CatalogTombstone.Make(DateTimeOffset.UtcNow)));
        foreach (var merged in new[] { onA.Merge(onC), onC.Merge(onA) })
        {
            Assert.True(merged.TryGetValue(Key, out var text));
            Assert.True(CatalogTombstone.Is(text, out _));
        }
    }

    [Fact]
    public void A_tombstone_reads_back_its_time_and_expires_after_its_lifetime()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000);
        Assert.True(CatalogTombstone.Is(CatalogTombstone.Make(at), out var read));
        Assert.Equal(at, read);
        Assert.False(CatalogTombstone.Expired(read, at + CatalogTombstone.Lifetime));
        Assert.True(CatalogTombstone.Expired(read, at + CatalogTombstone.Lifetime + TimeSpan.FromSeconds(1)));
        Assert.True(CatalogTombstone.Is("removed;not-a-time", out var bad)); // still a tombstone, long expired
        Assert.True(CatalogTombstone.Expired(bad, at));
        Assert.False(CatalogTombstone.Is("v2;2;;;dG9ycmVudA==", out _));
    }
}
