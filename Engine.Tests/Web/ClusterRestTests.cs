using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Engine.Api;
using Engine.Cluster.Api;
using Engine.Core.Cluster;
using Engine.Events;
using Engine.Host.Web;
using Engine.Tests.Api;
using Engine.Tests.Cluster.Api;
using Engine.Tests.Interop;

namespace Engine.Tests.Web;

/// <summary>
/// Three cluster nodes in one process on 127.0.0.1, each with its web server: a torrent added over REST on one node is
/// listed by another with its replicas reaching 100 %, a pause from the third reaches the replicas' engines, so do limits
/// and a file priority set from two others, and a removal from any node removes it everywhere.
/// </summary>
public sealed class ClusterRestTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new("cluster-rest");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Add_on_one_node_list_on_another_pause_from_a_third_and_remove_everywhere()
    {
        var torrent = TorrentFactory.CreateSeeded(_dir, "rest-data", 1L * 1024 * 1024, fileCount: 2, pieceLength: 64 * 1024);
        await using var seeder = ApiTestEngines.Create(_dir.Sub("seeder-state"));
        var seeding = await seeder.AddAsync(torrent.TorrentPath, _dir.Sub("seed"));
        await seeding.WaitForStateAsync(TorrentState.Seeding);

        await using var cluster = new ClusterTestNodes(_dir);
        await cluster.StartAsync(3, Bound);
        var servers = new List<WebServer>();
        try
        {
            foreach (var node in cluster.Nodes) servers.Add(await WebServer.StartAsync(node, new WebOptions(IPAddress.Loopback, 0, _dir.Sub("web"))));
            var (a, b, c) = (Http(servers[0]), Http(servers[1]), Http(servers[2]));
            var page = await c.GetStringAsync("/");
            Assert.Contains("id=\"cluster\"", page);

            // Add on A (an upload with the seeder as the peer), list on C: two replicas, both at 100 %.
            using var form = new MultipartFormDataContent
            {
                { new ByteArrayContent(File.ReadAllBytes(torrent.TorrentPath)), "torrent", "rest-data.torrent" },
                { new StringContent(seeder.ListenEndPoint!.ToString()), "peer" },
                { new StringContent("2"), "replicas" },
            };
            var added = await a.PostAsync("/api/cluster/torrents", form);
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
            var hash = torrent.InfoHash.ToHex();
            Assert.Equal(hash, (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("hash").GetString());
            var placed = ReplicaPlacement.Place(torrent.InfoHash, cluster.Nodes.Select(n => n.Node).ToList(), 2);
            await WaitForTorrentAsync(c, hash, t => Holders(t).Count(h => h.GetProperty("progress").GetDouble() >= 1) == 2, "two complete replicas listed on C");
            var listed = await TorrentAsync(c, hash);
            Assert.Equal(placed.Order(StringComparer.Ordinal), Holders(listed).Select(h => h.GetProperty("node").GetString()!).Order(StringComparer.Ordinal));
            var nodes = (await c.GetFromJsonAsync<JsonElement>("/api/cluster")).GetProperty("nodes").EnumerateArray().ToList();
            Assert.Equal(3, nodes.Count(n => n.GetProperty("status").GetString() == "up"));
            Assert.Single(nodes, n => n.GetProperty("isSelf").GetBoolean());

            // Pause from B: the replicas' engines pause, and C lists them paused; resume brings them back to seeding.
            Assert.Equal(HttpStatusCode.NoContent, (await b.PostAsync($"/api/cluster/torrents/{hash}/pause", null)).StatusCode);
            var owners = cluster.Nodes.Where(n => placed.Contains(n.Node)).ToList();
            await ClusterTestNodes.WaitAsync(async () => (await Task.WhenAll(owners.Select(o => o.Engine.Find(torrent.InfoHash)!.GetStatusAsync())))
                .All(s => s.State == TorrentState.Paused), Bound, "both replicas paused on their nodes");
            await WaitForTorrentAsync(c, hash, t => t.GetProperty("isPaused").GetBoolean()
                && Holders(t).All(h => h.GetProperty("state").GetString() == "Paused"), "C listing both replicas paused");
            Assert.Equal(HttpStatusCode.NoContent, (await a.PostAsync($"/api/cluster/torrents/{hash}/resume", null)).StatusCode);
            await WaitForTorrentAsync(b, hash, t => !t.GetProperty("isPaused").GetBoolean()
                && Holders(t).Count(h => h.GetProperty("state").GetString() == "Seeding") == 2, "B listing both replicas seeding again");

            // Limits from B and a file priority from C: both replicas' engines apply them, A lists them.
            var limits = await b.PutAsJsonAsync($"/api/cluster/torrents/{hash}/limits", new { uploadLimit = 200_000, downloadLimit = (long?)null });
            Assert.Equal(HttpStatusCode.OK, limits.StatusCode);
            // Each change rewrites the torrent's catalog entry, last writer wins: C changes it once it has B's change
            // (gossip, 500 ms), as a user does; two nodes changing one torrent within that moment keep one change (decisions).
            await WaitForTorrentAsync(c, hash, t => t.GetProperty("uploadLimit").ValueKind == JsonValueKind.Number, "C seeing B's limit");
            Assert.Equal(HttpStatusCode.NoContent, (await c.PutAsJsonAsync($"/api/cluster/torrents/{hash}/files/1", new { priority = "high" })).StatusCode);
            await ClusterTestNodes.WaitAsync(() => Task.FromResult(owners.All(o => o.Engine.Find(torrent.InfoHash) is { } h
                && h.Options.UploadLimit == 200_000 && h.FilePriorities(2)[1] == FilePriority.High)), Bound, "both replicas with the limit and the priority");
            await WaitForTorrentAsync(a, hash, t => t.GetProperty("uploadLimit").GetInt64() == 200_000
                && t.GetProperty("filePriorities").EnumerateArray().Select(p => p.GetString()).SequenceEqual(["normal", "high"]), "A listing the limit and the priority");
            Assert.Equal(HttpStatusCode.BadRequest, (await c.PutAsJsonAsync($"/api/cluster/torrents/{hash}/files/1", new { priority = "urgent" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await c.PutAsJsonAsync($"/api/cluster/torrents/{hash}/files/7", new { priority = "low" })).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await c.PutAsJsonAsync($"/api/cluster/torrents/{hash}/limits", new { uploadLimit = -1 })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await c.PutAsJsonAsync($"/api/cluster/torrents/{new string('0', 40)}/limits", new { uploadLimit = 5 })).StatusCode);

            // Bad and unknown hashes are refused with a problem document.
            Assert.Equal(HttpStatusCode.BadRequest, (await b.PostAsync("/api/cluster/torrents/xyz/pause", null)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await b.DeleteAsync("/api/cluster/torrents/" + new string('0', 40))).StatusCode);

            // Remove from C: gone from every node's list and engine, the replicas' data deleted.
            Assert.Equal(HttpStatusCode.NoContent, (await c.DeleteAsync($"/api/cluster/torrents/{hash}")).StatusCode);
            var left = "";
            await ClusterTestNodes.WaitAsync(async () =>
            {
                // What is left is named, so that a timeout says which part of the removal did not happen.
                var listing = new List<string>();
                foreach (var (http, name) in new[] { (a, "A"), (b, "B"), (c, "C") })
                    if ((await http.GetFromJsonAsync<JsonElement>("/api/cluster/torrents")).GetArrayLength() != 0) listing.Add(name);
                var engines = cluster.Nodes.Where(n => n.Engine.Find(torrent.InfoHash) is not null).Select(n => n.Node).ToList();
                var data = cluster.Nodes.Where(n => Directory.Exists(Path.Combine(cluster.DataOf(n), "torrents", hash))).Select(n => n.Node).ToList();
                left = $"listed by [{string.Join(", ", listing)}], in the engines of [{string.Join(", ", engines)}], data on [{string.Join(", ", data)}]";
                return listing.Count == 0 && engines.Count == 0 && data.Count == 0;
            }, Bound, "the torrent gone from every node", () => left);
        }
        finally
        {
            foreach (var server in servers) await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_bad_upload_is_refused_and_a_magnet_link_joins_the_catalog_with_the_fetched_metadata()
    {
        var torrent = TorrentFactory.CreateSeeded(_dir, "magnet-data", 256 * 1024, fileCount: 2, pieceLength: 32 * 1024);
        await using var seeder = ApiTestEngines.Create(_dir.Sub("seeder-state"));
        await (await seeder.AddAsync(torrent.TorrentPath, _dir.Sub("seed"))).WaitForStateAsync(TorrentState.Seeding);
        await using var cluster = new ClusterTestNodes(_dir);
        await cluster.StartAsync(1, Bound);
        await using var server = await WebServer.StartAsync(cluster.Nodes[0], new WebOptions(IPAddress.Loopback, 0, _dir.Sub("web")));
        var http = Http(server);
        using var form = new MultipartFormDataContent { { new ByteArrayContent("not a torrent"u8.ToArray()), "torrent", "x.torrent" } };
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync("/api/cluster/torrents", form)).StatusCode);
        var notMagnet = await http.PostAsJsonAsync("/api/cluster/torrents", new { magnet = "http://example.org/x" });
        Assert.Equal(HttpStatusCode.BadRequest, notMagnet.StatusCode);
        Assert.Empty(await cluster.Nodes[0].ListAsync());

        var hash = torrent.InfoHash.ToHex();
        var added = await http.PostAsJsonAsync("/api/cluster/torrents", new { magnet = $"magnet:?xt=urn:btih:{hash}", peer = seeder.ListenEndPoint!.ToString() });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var listed = (await cluster.Nodes[0].ListAsync()).Single();
        Assert.Equal(("magnet-data", torrent.TotalLength), (listed.Name, listed.TotalBytes));
        Assert.False(Directory.Exists(Path.Combine(cluster.DataOf(cluster.Nodes[0]), "metadata", hash)), "the metadata's scratch directory is left");
        await WaitForTorrentAsync(http, hash, t => Holders(t).Any(h => h.GetProperty("progress").GetDouble() >= 1), "the magnet's torrent complete on the node");
    }

    private static HttpClient Http(WebServer server) => new() { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };

    private static IEnumerable<JsonElement> Holders(JsonElement torrent) => torrent.GetProperty("holders").EnumerateArray();

    private static async Task<JsonElement> TorrentAsync(HttpClient http, string hash) =>
        await http.GetFromJsonAsync<JsonElement>($"/api/cluster/torrents/{hash}");

    private static async Task WaitForTorrentAsync(HttpClient http, string hash, Func<JsonElement, bool> done, string what)
    {
        JsonElement? last = null;
        try
        {
            await ClusterTestNodes.WaitAsync(async () =>
            {
                var response = await http.GetAsync($"/api/cluster/torrents/{hash}");
                if (!response.IsSuccessStatusCode) return false;
                last = await response.Content.ReadFromJsonAsync<JsonElement>();
                return done(last.Value);
            }, Bound, what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last seen: {last}", e);
        }
    }
}
