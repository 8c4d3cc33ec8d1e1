using System.Net;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Engine.Cluster.Trackers;
using Engine.Core.Cluster;
using Xunit.Abstractions;
using static Engine.Tests.TrackerServer.TrackerTestData;

namespace Engine.Tests.Cluster.Trackers;

/// <summary>Published .torrent files of a tracker cluster outlive the node their shard was on (three nodes in this process, on loopback).</summary>
public sealed class TrackerClusterPublishTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TrackerClusterNodes _cluster = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public Task InitializeAsync() => _cluster.StartAsync(3, Bound);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _cluster.DisposeAsync();
    }

    /// <summary>The shards whose entity runs on <paramref name="node"/>.</summary>
    private static async Task<HashSet<string>> ShardsOnAsync(TrackerCluster node)
    {
        var region = ClusterSharding.Get(node.ClusterSystem).ShardRegion("swarm");
        var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(5));
        return [.. state.Shards.Select(s => s.ShardId)];
    }

    [Fact]
    public async Task A_file_published_on_a_node_that_crashes_is_still_downloaded_from_another_and_listed_by_a_third()
    {
        var (a, b, c) = (_cluster.Nodes[0], _cluster.Nodes[1], _cluster.Nodes[2]);
        var files = Enumerable.Range(0, 9).Select(i => TorrentFile($"kept-{i}", (i + 1) * 100_000)).ToList();
        foreach (var file in files)
        {
            using var published = await _http.PostAsync($"http://{a.HttpEndPoint}/publish", new ByteArrayContent(file));
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        }
        var onA = await ShardsOnAsync(a);
        var lostWithA = files.Where(f => onA.Contains(TrackerShards.Name(TrackerShards.Of(HashOf(f), 16)))).ToList();
        Assert.NotEmpty(lostWithA); // files whose shard ran on the node that crashes: before, they were gone with it

        await a.ClusterSystem.Terminate(); // a crash as the others see it: no leave, no hand-off
        var crashed = System.Diagnostics.Stopwatch.StartNew();

        foreach (var file in files)
        {
            var url = $"http://{b.HttpEndPoint}/torrents/{HashOf(file).ToHex()}.torrent";
            var deadline = DateTime.UtcNow + Bound;
            byte[]? got;
            while ((got = await FetchAsync(url)) is null)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{url} not served within {Bound.TotalSeconds:0} s of the crash");
                await Task.Delay(200);
            }
            Assert.Equal(file, got);
        }
        output.WriteLine($"{lostWithA.Count} of {files.Count} files had their shard on the crashed node; all served by another {crashed.Elapsed.TotalSeconds:0.0} s after the crash");
        var catalog = await _http.GetStringAsync($"http://{c.HttpEndPoint}/catalog");
        foreach (var i in Enumerable.Range(0, files.Count)) Assert.Contains($"\"kept-{i}\"", catalog);
    }

    [Fact]
    public async Task A_file_published_before_a_graceful_leave_is_served_after_it_and_publishing_it_again_says_so()
    {
        var (a, b, c) = (_cluster.Nodes[0], _cluster.Nodes[1], _cluster.Nodes[2]);
        var files = Enumerable.Range(0, 6).Select(i => TorrentFile($"left-{i}", 50_000 + i)).ToList();
        foreach (var file in files) (await _http.PostAsync($"http://{c.HttpEndPoint}/publish", new ByteArrayContent(file))).Dispose();

        await c.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await TrackerClusterNodes.WaitAsync(() => a.UpMembers == 2 && b.UpMembers == 2, Bound, "the node gone from the others' view");

        foreach (var file in files)
            Assert.Equal(file, await _http.GetByteArrayAsync($"http://{a.HttpEndPoint}/torrents/{HashOf(file).ToHex()}.torrent"));
        using var again = await _http.PostAsync($"http://{b.HttpEndPoint}/publish", new ByteArrayContent(files[0]));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("\"alreadyPublished\": true", await again.Content.ReadAsStringAsync());
    }

    /// <summary>The body of a 200, or null (404 while the shard moves, or no answer).</summary>
    private async Task<byte[]?> FetchAsync(string url)
    {
        try
        {
            using var response = await _http.GetAsync(url);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsByteArrayAsync() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }
}
