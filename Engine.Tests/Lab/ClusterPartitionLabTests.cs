using System.Diagnostics;
using Engine.Core.Cluster;
using Engine.Tests.Host;
using Engine.Tests.Interop;
using Xunit.Abstractions;

namespace Engine.Tests.Lab;

/// <summary>
/// Issue 19's seeding cluster through a network partition, in a <see cref="NetLab"/>: three <c>node</c> processes on
/// three hosts of one bridge hold three torrents (R = 2) filled from libtorrent seeders on a fourth host; then one node
/// is cut off (nftables drops all its traffic). The split-brain resolver (keep-majority, stable-after 3 s here) downs
/// it: the cut node downs itself and exits, the two others re-replicate what it held from the surviving replicas and keep
/// every torrent at two complete replicas. After healing, the node starts again on the same data and rejoins: every
/// torrent is back on exactly the two nodes placement gives it, none lost, none held by a third node.
/// </summary>
[Trait("Category", "Interop")]
public sealed class ClusterPartitionLabTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private const int ClusterPort = 4053;
    private readonly TempDir _dir = new("cluster-partition");
    private readonly NetLab _lab = NetLab.Create();

    public void Dispose()
    {
        _lab.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_node_cut_off_by_a_partition_downs_itself_the_majority_keeps_every_replica_and_healing_loses_nothing()
    {
        var hosts = Enumerable.Range(0, 3).Select(i => _lab.AddHost("node" + i)).ToArray();
        var seederHost = _lab.AddHost("seeder");
        var torrents = Enumerable.Range(0, 3)
            .Select(i => TorrentFactory.CreateSeeded(_dir, "part-" + i, 2L * 1024 * 1024 + 333 * i, fileCount: 2, pieceLength: 64 * 1024)).ToArray();
        var seeders = new List<LibtorrentPeer>();
        var nodes = new HostProcess?[3];
        try
        {
            foreach (var t in torrents)
            {
                var seeder = await LibtorrentPeer.StartSeederAsync(t, _dir.Sub("seed"),
                    new LibtorrentOptions { NoTracker = true, Host = seederHost.Address.ToString(), NetNamespace = seederHost.Namespace });
                seeders.Add(seeder);
                await seeder.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
            }
            var addresses = hosts.Select(h => $"akka.tcp://torrent-cluster@{h.Address}:{ClusterPort}").ToArray();
            var shorts = hosts.Select(h => $"{h.Address}:{ClusterPort}").ToArray();
            string[] add = [.. torrents.SelectMany(t => new[] { "--add", t.TorrentPath }), .. seeders.SelectMany(s => new[] { "--peer", $"{seederHost.Address}:{s.Port}" })];
            for (var i = 0; i < 3; i++) nodes[i] = StartNode(hosts, i, i == 0 ? add : []);

            // Before: each torrent complete on the two nodes placement gives it.
            var placed = torrents.ToDictionary(t => t.InfoHash.ToHex(), t => ReplicaPlacement.Place(t.InfoHash, addresses, 2).Select(a => Array.IndexOf(addresses, a)).ToArray());
            await WaitStatusAsync(nodes[0]!, s => Settled(s, torrents, placed.ToDictionary(p => p.Key, p => p.Value.Select(i => shorts[i]).ToArray()), shorts),
                "every torrent complete on its two placed nodes");
            foreach (var t in torrents) AssertNone(Differences(t, placed[t.InfoHash.ToHex()]));
            foreach (var s in seeders) await s.StopAsync();

            // The cut: the node (not the first seed) holding the most replicas.
            var victim = new[] { 1, 2 }.MaxBy(i => placed.Values.Count(p => p.Contains(i)));
            var heldByVictim = placed.Count(p => p.Value.Contains(victim));
            Assert.True(heldByVictim > 0, "the cut node holds no replica: the test proves nothing");
            var majority = Enumerable.Range(0, 3).Where(i => i != victim).ToArray();
            var clock = Stopwatch.StartNew();
            _lab.Cut(hosts[victim]);
            output.WriteLine($"cut {shorts[victim]} off (it held {heldByVictim} of {torrents.Length} torrents' replicas)");

            // Both sides at once. The minority side: the node downs itself and exits (it stops serving anything, catalog
            // writes included). The majority side: two members, every torrent complete on both of them, byte-exact, the
            // cut node's replicas made again from the surviving ones.
            var both = majority.Select(i => shorts[i]).ToArray();
            var exited = Timed(nodes[victim]!.ExitCodeAsync(Bound), clock);
            var rereplicated = await Timed(WaitStatusAsync(nodes[majority[0]]!, s => Settled(s, torrents, torrents.ToDictionary(t => t.InfoHash.ToHex(), _ => both), both),
                "the majority holding every torrent on both its nodes"), clock);
            var (code, downed) = await exited;
            Assert.NotEqual(0, code);
            Assert.Contains(nodes[victim]!.Lines, l => l.Contains("the cluster removed this node", StringComparison.Ordinal));
            output.WriteLine($"partition: the cut node downed itself and exited {downed.TotalSeconds:F1} s after the cut");
            foreach (var t in torrents) AssertNone(Differences(t, majority));
            output.WriteLine($"partition: the majority had every torrent at 2 complete replicas {rereplicated.TotalSeconds:F1} s after the cut ({heldByVictim} replicas made again)");

            // Heal, start the cut node again on its data: placement over three nodes again, exactly two replicas each.
            _lab.Heal(hosts[victim]);
            await nodes[victim]!.DisposeAsync();
            nodes[victim] = null;
            clock.Restart();
            nodes[victim] = StartNode(hosts, victim, [], seed: majority[0]);
            var expected = placed.ToDictionary(p => p.Key, p => p.Value.Select(i => shorts[i]).ToArray());
            foreach (var watcher in new[] { majority[0], victim })
                await WaitStatusAsync(nodes[watcher]!, s => Settled(s, torrents, expected, shorts), $"node {watcher}: every torrent back on its two placed nodes after healing");
            output.WriteLine($"healed: every torrent on exactly its 2 placed nodes {clock.Elapsed.TotalSeconds:F1} s after the cut node started again");
            foreach (var t in torrents) AssertNone(Differences(t, placed[t.InfoHash.ToHex()]));

            // And it stays so: no third replica turns up in the next status rounds.
            var seen = nodes[majority[0]]!.Lines.Count;
            await Task.Delay(TimeSpan.FromSeconds(4));
            var later = NodeStatusBlock.Last(nodes[majority[0]]!.Lines.ToArray());
            Assert.True(nodes[majority[0]]!.Lines.Count > seen && later is not null && Settled(later, torrents, expected, shorts), $"the cluster moved on after settling: {later}");
        }
        finally
        {
            foreach (var node in nodes) if (node is not null) await node.DisposeAsync();
            foreach (var s in seeders) await s.DisposeAsync();
        }
    }

    private static async Task<(T, TimeSpan)> Timed<T>(Task<T> task, Stopwatch clock) => (await task, clock.Elapsed);

    private static async Task<TimeSpan> Timed(Task task, Stopwatch clock)
    {
        await task;
        return clock.Elapsed;
    }

    private HostProcess StartNode(LabHost[] hosts, int i, string[] extra, int seed = 0)
    {
        var host = hosts[i];
        string[] args = ["node", "--cluster-host", host.Address.ToString(), "--cluster-port", ClusterPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--data", _dir.Sub("node-" + i), "--port", "6881", "--no-dht", "--no-lsd", "--no-port-mapping",
            "--down-after", "3s", "--status-interval", "1s", "--min-members", "3", "--replicas", "2", .. extra];
        if (i != seed) args = [.. args, "--cluster-seed", $"{hosts[seed].Address}:{ClusterPort}"];
        return HostProcess.InNamespaceFor(output, host.Namespace, TimeSpan.FromMinutes(5), args);
    }

    /// <summary>Every torrent listed, each with exactly the replicas <paramref name="holders"/> names, all complete, and the members <paramref name="members"/>.</summary>
    private static bool Settled(NodeStatusBlock s, TestTorrent[] torrents, Dictionary<string, string[]> holders, string[] members) =>
        s.Members.Order().SequenceEqual(members.Order())
        && s.Torrents.Count == torrents.Length
        && torrents.All(t => s.Torrents.TryGetValue(t.InfoHash.ToHex(), out var row)
            && row.Replicas.All(r => r.Complete)
            && row.Replicas.Select(r => r.Node).Order().SequenceEqual(holders[t.InfoHash.ToHex()].Order()));

    private static async Task WaitStatusAsync(HostProcess node, Func<NodeStatusBlock, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        NodeStatusBlock? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = NodeStatusBlock.Last(node.Lines.ToArray());
            if (last is not null && done(last)) return;
            if (node.Process.HasExited) break;
            await Task.Delay(200);
        }
        throw new TimeoutException($"{what}: not within {Bound.TotalSeconds:0} s; last status: {last}\n{node.Process.Describe()}");
    }

    /// <summary>The nodes' copies of <paramref name="torrent"/> that differ from the seeder's data (none expected).</summary>
    private List<string> Differences(TestTorrent torrent, IEnumerable<int> nodes)
    {
        var expected = Path.Combine(_dir.FullPath, "seed", torrent.Name);
        return nodes.SelectMany(i => DirectoryComparer.Compare(expected,
            Path.Combine(_dir.Sub("node-" + i), "torrents", torrent.InfoHash.ToHex(), torrent.Name))).ToList();
    }

    private static void AssertNone(List<string> differences) => Assert.True(differences.Count == 0, string.Join("\n", differences));
}
