using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Engine.Core.Cluster;
using Engine.Host.Output;
using Engine.Tests.Interop;
using Engine.Tests.Support;
using Xunit.Abstractions;

namespace Engine.Tests.Host;

/// <summary>
/// <c>node</c> as three real processes on 127.0.0.1: a torrent added on one node gets two byte-exact replicas from a
/// libtorrent seeder outside the cluster; after <c>kill -9</c> of one replica's node the third node holds a byte-exact copy,
/// filled from the survivor alone, and the survivor's web API (<c>--web</c>) shows the move.
/// </summary>
public sealed class NodeCommandTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new("node-cmd");
    private readonly ITestOutputHelper _output;

    public NodeCommandTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    /// <param name="leecher">
    /// Also a libtorrent leecher outside the cluster, connected to both replicas before the kill (the nodes upload at
    /// 512 KiB/s each so it is still downloading then): it completes, byte-exact, without restarting.
    /// </param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    [Trait("Category", "Interop")]
    public async Task A_killed_replica_node_is_replaced_by_the_third_node_filled_from_the_survivor(bool leecher)
    {
        var torrent = TorrentFactory.CreateSeeded(_dir, "node-data", 4L * 1024 * 1024, fileCount: 2, pieceLength: 64 * 1024);
        await using var seeder = await LibtorrentPeer.StartSeederAsync(torrent, _dir.Sub("seed"), new LibtorrentOptions { NoTracker = true });
        await seeder.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));

        var ports = FreePorts.Tcp(3);
        var addresses = ports.Select(p => $"akka.tcp://torrent-cluster@127.0.0.1:{p}").ToArray();
        var nodes = new List<HostProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                string[] args = ["node", "--cluster-port", ports[i].ToString(), "--data", _dir.Sub("node-" + i), "--port", "0",
                    "--no-dht", "--no-lsd", "--down-after", "3s", "--status-interval", "1s", "--min-members", "3", "--web", "0"];
                if (leecher) args = [.. args, "--config", SlowUploadConfig()];
                if (i > 0) args = [.. args, "--cluster-seed", "127.0.0.1:" + ports[0]];
                else args = [.. args, "--add", torrent.TorrentPath, "--peer", "127.0.0.1:" + seeder.Port];
                nodes.Add(new HostProcess(_output, args));
            }
            var placed = ReplicaPlacement.Place(torrent.InfoHash, addresses, 2).Select(a => Array.IndexOf(addresses, a)).ToArray();
            await WaitIdenticalAsync(torrent, placed, "two replicas from the seeder");
            var third = Enumerable.Range(0, 3).Single(i => !placed.Contains(i));
            Assert.False(Directory.Exists(Path.Combine(_dir.Sub("node-" + third), "torrents")), "the third node held the torrent before the kill");

            await seeder.StopAsync();
            var (killed, survivor) = (placed[0], placed[1]);
            LibtorrentPeer? leech = null;
            if (leecher)
            {
                var peerPorts = new List<int>();
                foreach (var i in placed)
                {
                    var line = await nodes[i].WaitForLineAsync("; peers on ", Bound);
                    peerPorts.Add(IPEndPoint.Parse(line.Split("; peers on ")[1].Split(';')[0]).Port);
                }
                leech = await LibtorrentPeer.StartLeecherAsync(torrent, _dir.Sub("leech"), new LibtorrentOptions { NoTracker = true, ConnectTo = peerPorts });
                await ClusterWait(() => leech.Progress > 0, "the leecher's first data");
            }
            var seen = nodes[survivor].Lines.Count;
            var clock = Stopwatch.StartNew();
            await nodes[killed].Process.SignalAsync(9);
            var leechedAtKill = leech?.Progress;
            await WaitIdenticalAsync(torrent, [third], "a new replica on the third node after kill -9");
            var replicated = clock.Elapsed;
            var mib = torrent.TotalLength / (1024.0 * 1024);
            _output.WriteLine($"kill -9: new replica byte-exact after {replicated.TotalSeconds:F2} s for {mib:F0} MiB{(leecher ? " (nodes uploading at 512 KiB/s, a leecher too)" : "")}");
            if (leech is not null)
            {
                Assert.True(leechedAtKill < 1, "the leecher had completed before the kill: the test proves nothing");
                _output.WriteLine($"the leecher had {leechedAtKill:P0} at the kill");
                await leech.WaitForCompletionAsync(Bound);
                DirectoryComparer.AssertIdentical(Path.Combine(_dir.FullPath, "seed", torrent.Name), leech.DataPath);
                await leech.DisposeAsync();
            }

            // The survivor's web API shows the move: the torrent's replicas on the survivor and the third node, both complete,
            // and the killed node downed (gone from the members).
            await WaitForWebMoveAsync(nodes[survivor], torrent.InfoHash.ToHex(), addresses[survivor], addresses[third], addresses[killed]);
            _output.WriteLine($"kill -9: the survivor's /api/cluster showed the move {clock.Elapsed.TotalSeconds:F2} s after the kill (new replica complete, killed node downed)");

            // The survivor's status shows the move: its own replica and the third node's, both complete.
            var thirdShort = NodeLines.Short(addresses[third]);
            await ClusterWait(() => nodes[survivor].Lines.Skip(seen).Any(l => l.Contains("2/2 complete", StringComparison.Ordinal)
                && l.Contains(thirdShort + " complete", StringComparison.Ordinal)), "the survivor's status naming the third node's complete replica");
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
        }
    }

    private static async Task WaitForWebMoveAsync(HostProcess survivor, string hash, string self, string third, string killed)
    {
        var line = await survivor.WaitForLineAsync("web ui: ", Bound);
        using var http = new HttpClient { BaseAddress = new Uri(line.Split("web ui: ")[1].Split(' ')[0]), Timeout = TimeSpan.FromSeconds(10) };
        JsonElement last = default;
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            last = await http.GetFromJsonAsync<JsonElement>("api/cluster");
            var torrent = last.GetProperty("torrents").EnumerateArray().SingleOrDefault(t => t.GetProperty("hash").GetString() == hash);
            var holders = torrent.ValueKind == JsonValueKind.Object
                ? torrent.GetProperty("holders").EnumerateArray().Where(h => h.GetProperty("progress").GetDouble() >= 1).Select(h => h.GetProperty("node").GetString()).ToList()
                : [];
            var members = last.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("address").GetString()).ToList();
            if (holders.Order().SequenceEqual(new[] { self, third }.Order()) && !members.Contains(killed)) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the survivor's /api/cluster did not show the move within {Bound.TotalSeconds:0} s: {last}");
            await Task.Delay(200);
        }
    }

    private async Task WaitIdenticalAsync(TestTorrent torrent, IEnumerable<int> nodes, string what)
    {
        var expected = Path.Combine(_dir.FullPath, "seed", torrent.Name);
        var dirs = nodes.Select(i => Path.Combine(_dir.Sub("node-" + i), "torrents", torrent.InfoHash.ToHex(), torrent.Name)).ToArray();
        await ClusterWait(() => dirs.All(d => DirectoryComparer.Compare(expected, d).Count == 0), what);
    }

    private static async Task ClusterWait(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!done())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} did not happen within {Bound.TotalSeconds:0} s");
            await Task.Delay(200);
        }
    }

    /// <summary>A <c>--config</c> file that limits a node's upload to 512 KiB/s.</summary>
    private string SlowUploadConfig()
    {
        var path = Path.Combine(_dir.FullPath, "slow-upload.json");
        File.WriteAllText(path, "{ \"UploadLimit\": 524288 }");
        return path;
    }
}
