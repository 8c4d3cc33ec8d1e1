using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Engine.Cluster.Trackers;
using Engine.Core.Primitives;
using Engine.Core.Trackers;
using Engine.Tests.TrackerServer;
using static Engine.Tests.TrackerServer.TrackerTestData;

namespace Engine.Tests.Cluster.Trackers;

/// <summary>Three tracker cluster nodes in this process, on loopback: one swarm per torrent whichever node is asked.</summary>
public sealed class TrackerClusterTests : IAsyncLifetime
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

    private async Task<AnnounceResponse> HttpAnnounceAsync(TrackerCluster node, AnnounceRequest request)
    {
        var body = await _http.GetByteArrayAsync(HttpTrackerCodec.BuildAnnounceUri(node.HttpAnnounceUrl!, request));
        return HttpTrackerCodec.ParseAnnounceResponse(body);
    }

    private static IPEndPoint PeerEndPoint(int n) => new(IPAddress.Loopback, 6000 + n);

    [Fact]
    public async Task Announces_to_different_nodes_for_one_torrent_find_each_other()
    {
        var (a, b, c) = (_cluster.Nodes[0], _cluster.Nodes[1], _cluster.Nodes[2]);
        for (var t = 0; t < 8; t++) // eight torrents: their shards are spread over the three nodes
        {
            var hash = Hash(t);
            var first = await HttpAnnounceAsync(a, Announce(hash, 1, e: AnnounceEvent.Started));
            Assert.False(first.IsFailure, first.FailureReason);
            var second = await HttpAnnounceAsync(b, Announce(hash, 2, left: 0, e: AnnounceEvent.Started));
            Assert.False(second.IsFailure, second.FailureReason);
            Assert.Equal([PeerEndPoint(1)], second.Peers);
            Assert.Equal((1, 1), (second.Complete, second.Incomplete));

            using var udp = new UdpTestClient(c.UdpEndPoint!);
            var third = await udp.AnnounceAsync(Announce(hash, 3));
            Assert.Equal([PeerEndPoint(1), PeerEndPoint(2)], third.Peers.OrderBy(p => p.Port));
        }

        // A scrape of several torrents (several shards) through one node counts every swarm.
        using var scraper = new UdpTestClient(a.UdpEndPoint!);
        var scrape = Assert.IsType<UdpScrapeResponse>(await scraper.ScrapeAsync(await scraper.ConnectAsync(), [Hash(0), Hash(5), Hash(999)]));
        Assert.Equal([(1, 2), (1, 2), (0, 0)], scrape.Entries.Select(e => (e.Complete, e.Incomplete)));
    }

    [Fact]
    public async Task When_a_node_leaves_its_swarms_come_back_with_the_next_announces_to_the_others()
    {
        var (a, b, c) = (_cluster.Nodes[0], _cluster.Nodes[1], _cluster.Nodes[2]);
        var hashes = Enumerable.Range(300, 8).Select(Hash).ToList();
        foreach (var hash in hashes) await HttpAnnounceAsync(c, Announce(hash, 1));

        await c.StopAsync().WaitAsync(TimeSpan.FromSeconds(30)); // graceful: it leaves, its shards hand off and start empty elsewhere
        await TrackerClusterNodes.WaitAsync(() => a.UpMembers == 2 && b.UpMembers == 2, Bound, "the node gone from the others' view");

        foreach (var hash in hashes)
        {
            var deadline = Stopwatch.StartNew();
            AnnounceResponse first;
            while ((first = await HttpAnnounceAsync(a, Announce(hash, 1))).IsFailure)
            {
                Assert.True(deadline.Elapsed < Bound, $"{hash}: still failing after {Bound.TotalSeconds} s: {first.FailureReason}");
                await Task.Delay(200);
            }
            var second = await HttpAnnounceAsync(b, Announce(hash, 2));
            Assert.False(second.IsFailure, second.FailureReason);
            Assert.Equal([PeerEndPoint(1)], second.Peers);
        }
    }

    [Fact]
    public async Task The_catalog_of_any_node_shows_every_torrent_and_a_file_published_on_one_is_served_by_another()
    {
        var (a, b, c) = (_cluster.Nodes[0], _cluster.Nodes[1], _cluster.Nodes[2]);
        for (var t = 0; t < 8; t++) await HttpAnnounceAsync(_cluster.Nodes[t % 3], Announce(Hash(100 + t), 1));
        var file = TorrentFile("cluster-photos", 3 * 1024 * 1024);
        var published = await _http.PostAsync($"http://{a.HttpEndPoint}/publish", new ByteArrayContent(file));
        Assert.Equal(HttpStatusCode.Created, published.StatusCode);

        var catalog = await _http.GetStringAsync($"http://{c.HttpEndPoint}/catalog");
        for (var t = 0; t < 8; t++) Assert.Contains(Hash(100 + t).ToHex(), catalog);
        Assert.Contains("\"cluster-photos\"", catalog);
        Assert.Contains("\"torrentCount\": 8", catalog); // swarms; the published file has none yet
        Assert.Equal(file, await _http.GetByteArrayAsync($"http://{b.HttpEndPoint}/torrents/{HashOf(file).ToHex()}.torrent"));
    }

    [Fact]
    public async Task A_udp_connection_id_from_one_node_is_accepted_by_another()
    {
        var (a, b) = (_cluster.Nodes[0], _cluster.Nodes[1]);
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var connect = new byte[16];
        UdpTrackerCodec.WriteConnectRequest(connect, 11);
        var id = Assert.IsType<UdpConnectResponse>(UdpTrackerCodec.ReadResponse(await ExchangeAsync(socket, a.UdpEndPoint!, connect), UdpAction.Connect, 11)).ConnectionId;

        var announce = new byte[UdpTrackerCodec.AnnounceRequestLength];
        UdpTrackerCodec.WriteAnnounceRequest(announce, id, 12, Announce(Hash(7), 1));
        var answer = UdpTrackerCodec.ReadResponse(await ExchangeAsync(socket, b.UdpEndPoint!, announce), UdpAction.Announce, 12);
        Assert.IsType<UdpAnnounceResponse>(answer);

        UdpTrackerCodec.WriteAnnounceRequest(announce, id ^ 1, 13, Announce(Hash(7), 1));
        var forged = UdpTrackerCodec.ReadResponse(await ExchangeAsync(socket, b.UdpEndPoint!, announce), UdpAction.Announce, 13);
        Assert.Equal("bad connection id", Assert.IsType<UdpErrorResponse>(forged).Message);
    }

    private static async Task<byte[]> ExchangeAsync(UdpClient socket, IPEndPoint tracker, byte[] packet)
    {
        await socket.SendAsync(packet, packet.Length, tracker);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        return (await socket.ReceiveAsync(cts.Token)).Buffer;
    }

    [Fact]
    public async Task When_a_node_crashes_announces_to_the_others_keep_being_answered_and_its_swarms_are_rebuilt()
    {
        var (a, b, c) = (_cluster.Nodes[0], _cluster.Nodes[1], _cluster.Nodes[2]);
        var hashes = Enumerable.Range(200, 12).Select(Hash).ToList();
        foreach (var hash in hashes) await HttpAnnounceAsync(c, Announce(hash, 1));

        await c.ClusterSystem.Terminate(); // a crash as the others see it: no leave, no hand-off

        // Every announce is answered promptly (a failure reason while the lost shards move, never a hang), and each
        // torrent's swarm works again on the survivors within the bound.
        var deadline = Stopwatch.StartNew();
        foreach (var hash in hashes)
        {
            while (true)
            {
                var asked = Stopwatch.StartNew();
                var first = await HttpAnnounceAsync(a, Announce(hash, 1));
                Assert.True(asked.Elapsed < TimeSpan.FromSeconds(8), $"an announce took {asked.Elapsed.TotalSeconds:0.0} s");
                if (!first.IsFailure) break;
                Assert.Contains("did not answer", first.FailureReason);
                Assert.True(deadline.Elapsed < Bound, $"{hash}: still failing after {Bound.TotalSeconds} s: {first.FailureReason}");
                await Task.Delay(200);
            }
            var second = await HttpAnnounceAsync(b, Announce(hash, 2));
            Assert.False(second.IsFailure, second.FailureReason);
            Assert.Contains(PeerEndPoint(1), second.Peers);
        }
        await TrackerClusterNodes.WaitAsync(() => a.UpMembers == 2 && b.UpMembers == 2, Bound, "the crashed node downed");
    }

    [Fact]
    public async Task A_node_with_another_secret_refuses_the_clusters_connection_ids()
    {
        var a = _cluster.Nodes[0];
        var stranger = _cluster.Add("not the secret the others were given");
        await TrackerClusterNodes.WaitAsync(() => stranger.UpMembers == 4, Bound, "the fourth node Up");
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var connect = new byte[16];
        UdpTrackerCodec.WriteConnectRequest(connect, 21);
        var id = Assert.IsType<UdpConnectResponse>(UdpTrackerCodec.ReadResponse(await ExchangeAsync(socket, a.UdpEndPoint!, connect), UdpAction.Connect, 21)).ConnectionId;
        var announce = new byte[UdpTrackerCodec.AnnounceRequestLength];
        UdpTrackerCodec.WriteAnnounceRequest(announce, id, 22, Announce(Hash(8), 1));
        var answer = UdpTrackerCodec.ReadResponse(await ExchangeAsync(socket, stranger.UdpEndPoint!, announce), UdpAction.Announce, 22);
        Assert.Equal("bad connection id", Assert.IsType<UdpErrorResponse>(answer).Message);
    }
}
