using System.Text.Json;
using Engine.Tests.Host;
using Engine.Tests.Interop;
using Xunit.Abstractions;

namespace Engine.Tests.Lab;

/// <summary>
/// What becomes of a catalog write made on the minority side of a partition (<see cref="NetLab"/>, root): three
/// <c>node</c> processes (with durable catalogs, or without) and their web APIs; one is cut off and, before keep-majority downs it,
/// takes a limit change through its REST API (acknowledged: the write is local). The majority never sees it and keeps
/// taking its own writes; the cut node downs itself and exits. Started again on the same directories after healing, it
/// rejoins: with a durable catalog its write comes back and merges into the cluster's; without, it was lost with the node.
/// </summary>
[Trait("Category", "Interop")]
public sealed class ClusterMinorityWriteLabTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private const int ClusterPort = 4053;
    private const int WebPort = 8080;
    private readonly TempDir _dir = new("cluster-minority");
    private readonly NetLab _lab = NetLab.Create();

    public void Dispose()
    {
        _lab.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_limit_set_on_the_cut_off_node_is_acknowledged_never_reaches_the_majority_and_comes_back_only_with_a_durable_catalog(bool durable)
    {
        var hosts = Enumerable.Range(0, 3).Select(i => _lab.AddHost("node" + i)).ToArray();
        var torrent = TorrentFactory.CreateSeeded(_dir, "minority", 256 * 1024, fileCount: 2, pieceLength: 32 * 1024);
        var hash = torrent.InfoHash.ToHex();
        var nodes = new HostProcess?[3];
        try
        {
            for (var i = 0; i < 3; i++) nodes[i] = StartNode(hosts, i, durable, i == 0 ? ["--add", torrent.TorrentPath] : []);
            const int victim = 2;
            await WaitAsync(() => Torrent(hosts[victim]) is not null && Members(hosts[victim]) == 3, "the cut node seeing the torrent and three members");

            _lab.Cut(hosts[victim]);
            var (code, answer) = Api(hosts[victim], "PUT", $"torrents/{hash}/limits", """{"uploadLimit": 123456}""");
            Assert.True(code == 200, $"the minority's write: {code} {answer}");
            await WaitAsync(() => Torrent(hosts[victim]) is { } listed && listed.GetProperty("uploadLimit").ValueKind == JsonValueKind.Number, "the write listed on the cut node");
            Assert.Equal(204, Api(hosts[0], "PUT", $"torrents/{hash}/files/0", """{"priority": "high"}""").Code);

            var exit = await nodes[victim]!.ExitCodeAsync(Bound);
            Assert.NotEqual(0, exit);
            var majority = Torrent(hosts[0])!.Value;
            Assert.Equal(JsonValueKind.Null, majority.GetProperty("uploadLimit").ValueKind);
            Assert.Equal("high", majority.GetProperty("filePriorities")[0].GetString());
            output.WriteLine("partition: the cut node acknowledged its write and exited; the majority has its own write and not the cut node's");

            _lab.Heal(hosts[victim]);
            await nodes[victim]!.DisposeAsync();
            nodes[victim] = null;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            nodes[victim] = StartNode(hosts, victim, durable, [], seed: 0);
            await WaitAsync(() => Members(hosts[0]) == 3 && Torrent(hosts[victim]) is not null, "the cut node back in the cluster");
            // With a durable catalog the restarted node loads its write and gossips it: it merges (a register per field,
            // so the majority's own change stays too). Without, it died with the node: 10 s later there is still none.
            var merged = await TryWaitAsync(() => Torrent(hosts[0]) is { } t && t.GetProperty("uploadLimit").ValueKind == JsonValueKind.Number,
                TimeSpan.FromSeconds(durable ? 15 : 10));
            await WaitAsync(() => Torrent(hosts[victim]) is { } t && t.GetProperty("filePriorities") is { ValueKind: JsonValueKind.Array } p
                && p.GetArrayLength() > 0 && p[0].GetString() == "high", "the majority's write on the restarted node");
            var back = Torrent(hosts[victim])!.Value;
            output.WriteLine($"healed (durable catalog: {durable}) after {clock.Elapsed.TotalSeconds:F1} s: the majority's upload limit {Torrent(hosts[0])!.Value.GetProperty("uploadLimit")}, "
                + $"the restarted node's {back.GetProperty("uploadLimit")}, its file 0 {back.GetProperty("filePriorities")[0]}");
            Assert.Equal(durable, merged);
            if (durable) Assert.Equal(123456, back.GetProperty("uploadLimit").GetInt64());
            else Assert.Equal(JsonValueKind.Null, back.GetProperty("uploadLimit").ValueKind);
        }
        finally
        {
            foreach (var node in nodes) if (node is not null) await node.DisposeAsync();
        }
    }

    private HostProcess StartNode(LabHost[] hosts, int i, bool durable, string[] extra, int seed = 0)
    {
        var host = hosts[i];
        string[] args = ["node", "--cluster-host", host.Address.ToString(), "--cluster-port", ClusterPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--data", _dir.Sub("node-" + i), .. durable ? ["--durable-catalog", _dir.Sub("catalog-" + i)] : Array.Empty<string>(), "--port", "6881", "--no-dht", "--no-lsd", "--no-port-mapping",
            "--down-after", "3s", "--status-interval", "1s", "--min-members", "3", "--replicas", "2", "--web", WebPort.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extra];
        if (i != seed) args = [.. args, "--cluster-seed", $"{hosts[seed].Address}:{ClusterPort}"];
        return HostProcess.InNamespaceFor(output, host.Namespace, TimeSpan.FromMinutes(4), args);
    }

    /// <summary>A request to the node's REST API on its own loopback (which a cut leaves working): the status code and the body.</summary>
    private static (int Code, string Body) Api(LabHost host, string method, string path, string? json = null)
    {
        string[] args = ["netns", "exec", host.Namespace, "curl", "-s", "-m", "10", "-o", "-", "-w", "\n%{http_code}", "-X", method,
            $"http://127.0.0.1:{WebPort}/api/cluster/{path}"];
        if (json is not null) args = [.. args, "-H", "Content-Type: application/json", "-d", json];
        var (_, text) = RootCommands.Run("ip", args);
        var cut = text.TrimEnd().LastIndexOf('\n');
        return int.TryParse(text.TrimEnd()[(cut + 1)..], out var code) ? (code, cut < 0 ? "" : text[..cut]) : (0, text);
    }

    private static JsonElement? Torrent(LabHost host)
    {
        var (code, body) = Api(host, "GET", "torrents");
        if (code != 200) return null;
        foreach (var t in JsonDocument.Parse(body).RootElement.EnumerateArray())
            if (t.GetProperty("hash").GetString() is { } h && h.Length == 40) return t.Clone();
        return null;
    }

    private static int Members(LabHost host)
    {
        var (code, body) = Api(host, "GET", "nodes");
        return code == 200 ? JsonDocument.Parse(body).RootElement.EnumerateArray().Count(n => n.GetProperty("status").GetString() == "up") : 0;
    }

    private static async Task WaitAsync(Func<bool> done, string what)
    {
        if (!await TryWaitAsync(done, Bound)) throw new TimeoutException($"{what}: not within {Bound.TotalSeconds:0} s");
    }

    private static async Task<bool> TryWaitAsync(Func<bool> done, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (done()) return true;
            await Task.Delay(300);
        }
        return done();
    }
}
