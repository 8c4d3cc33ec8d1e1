using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Engine.Core.Trackers;
using Engine.Tests.Interop;
using Engine.Tests.Support;
using Xunit.Abstractions;
using static Engine.Tests.TrackerServer.TrackerTestData;

namespace Engine.Tests.Host;

/// <summary>
/// <c>tracker --cluster-port</c> as three real processes on 127.0.0.1: libtorrent peers of one torrent, each told a
/// different node (HTTP, HTTP, UDP), form one swarm; after <c>kill -9</c> of a node the survivors keep answering and hold
/// the swarm again, and a .torrent published on the killed node is still served and listed.
/// </summary>
public sealed class TrackerClusterCommandTests : IDisposable
{
    private const string Secret = "the three test nodes' shared secret";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new("tracker-cluster-cmd");
    private readonly ITestOutputHelper _output;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public TrackerClusterCommandTests(ITestOutputHelper output) => _output = output;

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    [Fact]
    [Trait("Category", "Interop")]
    public async Task A_libtorrent_swarm_announcing_to_different_nodes_is_one_swarm_and_survives_a_killed_node()
    {
        var cluster = FreePorts.Tcp(3);
        var web = FreePorts.Tcp(3); // HTTP (TCP) and UDP on the same number
        var nodes = new List<HostProcess>();
        var peers = new List<LibtorrentPeer>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                string[] args = ["tracker", "--http", web[i].ToString(), "--udp", web[i].ToString(), "--cluster-port", cluster[i].ToString(),
                    "--cluster-secret", Secret, "--down-after", "3s", "--interval", "10s"];
                if (i > 0) args = [.. args, "--cluster-seed", "127.0.0.1:" + cluster[0]];
                nodes.Add(new HostProcess(_output, args));
            }
            foreach (var node in nodes) await node.WaitForLineAsync("tracker cluster node", Bound);
            await WaitForOneSwarmAsync(web);

            // One torrent, three .torrent files that differ only in their tracker: a node each.
            var seeded = TorrentFactory.CreateSeeded(_dir, "swarm-data", 2L * 1024 * 1024, fileCount: 1, pieceLength: 64 * 1024,
                announceUrl: $"http://127.0.0.1:{web[0]}/announce");
            var data = Path.Combine(_dir.Sub("seed"), seeded.Name);
            var viaB = TorrentFactory.Create(data, [$"http://127.0.0.1:{web[1]}/announce"], 64 * 1024, Path.Combine(_dir.Sub("b"), "swarm-data.torrent"));
            var viaC = TorrentFactory.Create(data, [$"udp://127.0.0.1:{web[2]}/announce"], 64 * 1024, Path.Combine(_dir.Sub("c"), "swarm-data.torrent"));
            Assert.Equal(seeded.InfoHash, viaB.InfoHash);
            Assert.Equal(seeded.InfoHash, viaC.InfoHash);

            var seeder = await LibtorrentPeer.StartSeederAsync(seeded, _dir.Sub("seed"));
            peers.Add(seeder);
            await seeder.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
            var stay = new LibtorrentOptions { KeepSeeding = true }; // they announce again after the kill
            var leechB = await LibtorrentPeer.StartLeecherAsync(viaB, _dir.Sub("leech-b"), stay);
            peers.Add(leechB);
            var leechC = await LibtorrentPeer.StartLeecherAsync(viaC, _dir.Sub("leech-c"), stay);
            peers.Add(leechC);
            // Each leecher knows only its own node, which knows the seeder only through the cluster.
            await leechB.WaitForCompletionAsync(Bound);
            await leechC.WaitForCompletionAsync(Bound);
            // They keep running (and seeding): their last blocks may reach the files just after they say finished.
            await DirectoryComparer.AssertIdenticalWithinAsync(data, leechB.DataPath, TimeSpan.FromSeconds(10));
            await DirectoryComparer.AssertIdenticalWithinAsync(data, leechC.DataPath, TimeSpan.FromSeconds(10));
            var swarm = await PeersAsync(web[2], seeded.InfoHash.ToHex());
            Assert.Contains(seeder.Port, swarm);
            var file = await File.ReadAllBytesAsync(seeded.TorrentPath);
            using (var published = await _http.PostAsync($"http://127.0.0.1:{web[2]}/publish", new ByteArrayContent(file)))
                Assert.Equal(HttpStatusCode.Created, published.StatusCode); // on the node about to be killed

            await nodes[2].Process.SignalAsync(9);
            await nodes[2].ExitCodeAsync(TimeSpan.FromSeconds(10));

            // The survivors answer every announce promptly (a failure reason while a lost shard moves), then hold the
            // swarm again once the peers announce (forced: libtorrent backs off after the failure reasons).
            var deadline = DateTime.UtcNow + Bound;
            AnnounceResponse probe;
            var refused = 0;
            while ((probe = await AnnounceAsync(web[0], Announce(seeded.InfoHash, 78))).IsFailure)
            {
                refused++;
                Assert.Contains("did not answer", probe.FailureReason);
                Assert.True(DateTime.UtcNow < deadline, $"the survivors still failing after {Bound.TotalSeconds} s: {probe.FailureReason}");
                await Task.Delay(500);
            }
            _output.WriteLine($"after the kill: {refused} announce(s) answered with a failure reason while the swarm's shard moved ({(refused > 0 ? "it was on the killed node" : "it was not")})");
            _output.WriteLine($"ports: seeder {seeder.Port}, leecher via B {leechB.Port}, leecher via C {leechC.Port}");
            while (true)
            {
                foreach (var p in peers) p.Reannounce();
                await Task.Delay(2000);
                var onA = await PeersAsync(web[0], seeded.InfoHash.ToHex());
                var onB = await PeersAsync(web[1], seeded.InfoHash.ToHex());
                if (onA.Contains(seeder.Port) && onA.Contains(leechB.Port) && onB.Contains(seeder.Port)) break;
                Assert.True(DateTime.UtcNow < deadline, $"the swarm not back on the survivors within {Bound.TotalSeconds} s: A {string.Join(",", onA)}, B {string.Join(",", onB)} "
                    + $"(seeder {seeder.Port}, leecher via B {leechB.Port})\n{seeder.Describe()}\n{leechB.Describe()}");
            }
            var answer = await AnnounceAsync(web[0], Announce(seeded.InfoHash, 77));
            Assert.False(answer.IsFailure, answer.FailureReason);
            Assert.Contains(new IPEndPoint(IPAddress.Loopback, seeder.Port), answer.Peers);

            // The file published on the killed node: served byte-identical by B, listed by A, whose cluster view has two
            // reachable members (the killed one is listed as unreachable until the split-brain resolver downs it).
            Assert.Equal(file, await _http.GetByteArrayAsync($"http://127.0.0.1:{web[1]}/torrents/{seeded.InfoHash.ToHex()}.torrent"));
            Assert.Contains("\"swarm-data\"", await _http.GetStringAsync($"http://127.0.0.1:{web[0]}/catalog"));
            int reachable, listed;
            var viewDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            do
            {
                using var view = JsonDocument.Parse(await _http.GetStringAsync($"http://127.0.0.1:{web[0]}/api/tracker-cluster"));
                var members = view.RootElement.GetProperty("members").EnumerateArray().ToList();
                (reachable, listed) = (members.Count(m => m.GetProperty("reachable").GetBoolean()), members.Count);
                if (reachable == 2) break;
                await Task.Delay(500);
            }
            while (DateTime.UtcNow < viewDeadline);
            Assert.Equal(2, reachable);
            Assert.InRange(listed, 2, 3);
        }
        finally
        {
            foreach (var p in peers) await p.DisposeAsync();
            foreach (var node in nodes) await node.DisposeAsync();
        }
    }

    /// <summary>Until a probe announced on the first node is seen through the second and third (the cluster has formed).</summary>
    private async Task WaitForOneSwarmAsync(int[] web)
    {
        var probe = Hash(4242);
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var first = await AnnounceAsync(web[0], Announce(probe, 1));
            var second = await AnnounceAsync(web[1], Announce(probe, 2));
            var third = await AnnounceAsync(web[2], Announce(probe, 3));
            if (!first.IsFailure && second.Peers.Contains(new IPEndPoint(IPAddress.Loopback, 6001)) && third.Peers.Count == 2) return;
            Assert.True(DateTime.UtcNow < deadline, $"the three nodes not one swarm within {Bound.TotalSeconds} s: {second.FailureReason ?? third.FailureReason}");
            await Task.Delay(500);
        }
    }

    private async Task<AnnounceResponse> AnnounceAsync(int port, AnnounceRequest request) =>
        HttpTrackerCodec.ParseAnnounceResponse(await _http.GetByteArrayAsync(HttpTrackerCodec.BuildAnnounceUri($"http://127.0.0.1:{port}/announce", request)));

    /// <summary>The ports of a torrent's peers as the node's catalog shows them (none when it has no swarm or is unreachable).</summary>
    private async Task<List<int>> PeersAsync(int port, string hex)
    {
        try
        {
            using var response = await _http.GetAsync($"http://127.0.0.1:{port}/catalog/{hex}/peers");
            if (!response.IsSuccessStatusCode) return [];
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return [.. json.RootElement.GetProperty("peers").EnumerateArray().Select(p => p.GetProperty("port").GetInt32())];
        }
        catch (HttpRequestException)
        {
            return [];
        }
    }
}
