using System.Net;
using Engine.Core.Trackers;
using Engine.Host.Commands;
using Engine.Tests.TrackerServer;

namespace Engine.Tests.Host;

using TrackerServer = global::Engine.TrackerServer.TrackerServer;

[Collection(SecretVariableCollection)] // a test sets ENGINE_HOST_TRACKER_SECRET, which TrackerClusterConfigTests must not see
public sealed class TrackerCommandTests : IAsyncLifetime
{
    /// <summary>The tests that read or set the tracker secret's environment variable run one at a time.</summary>
    public const string SecretVariableCollection = "tracker secret variable";

    private readonly TrackerServer _tracker = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("tracker-cmd-").FullName;

    public Task InitializeAsync() => _tracker.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), null);

    public async Task DisposeAsync()
    {
        await _tracker.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private static async Task<string> Run(params string[] args)
    {
        var (code, output, error) = await InProcessHost.RunAsync(["tracker", .. args]);
        Assert.True(code == 0, error);
        return output;
    }

    /// <summary>The one error line (without "error: ") of a run that must fail with exit code 1 (2 for a usage mistake).</summary>
    private static async Task<string> Fails(params string[] args)
    {
        var (code, _, error) = await InProcessHost.RunAsync(["tracker", .. args]);
        Assert.True(code is 1 or 2, $"exit code {code}");
        Assert.StartsWith("error: ", error);
        return error["error: ".Length..].Split('\n')[0].TrimEnd();
    }

    private string WriteTorrent(string name, long size)
    {
        var path = Path.Combine(_dir, name + ".torrent");
        File.WriteAllBytes(path, TrackerTestData.TorrentFile(name, size));
        return path;
    }

    [Fact]
    public async Task Publish_then_list_shows_the_torrent_with_its_counts()
    {
        var path = WriteTorrent("holiday-photos", 6 * 1024 * 1024);
        var published = await Run("publish", path, "--tracker", _tracker.HttpAnnounceUrl!);
        var hash = TrackerTestData.HashOf(File.ReadAllBytes(path));
        Assert.Contains("published: holiday-photos", published);
        Assert.Contains($"info-hash:  {hash}", published);
        Assert.Contains("already published", await Run("publish", path, "--tracker", _tracker.HttpAnnounceUrl!));

        _tracker.WithRegistry((r, now) => r.Announce(TrackerTestData.Announce(hash, 1, left: 0, e: AnnounceEvent.Completed), IPAddress.Loopback, now));
        var list = await Run("list", "--tracker", $"http://{_tracker.HttpEndPoint}");
        var lines = list.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Matches(@"^NAME\s+SIZE\s+SEEDERS\s+LEECHERS\s+COMPLETED\s+INFO-HASH$", lines[0]);
        Assert.Matches($@"^holiday-photos\s+6 MiB\s+1\s+0\s+1\s+{hash}$", lines[1]);
        Assert.Equal("1 torrent(s), 1 peer(s)", lines[2]);
    }

    [Fact]
    public async Task Peers_lists_who_has_a_torrent()
    {
        var hash = TrackerTestData.Hash(3);
        _tracker.WithRegistry((r, now) =>
        {
            r.Announce(TrackerTestData.Announce(hash, 1, left: 0), IPAddress.Parse("127.0.0.7"), now);
            r.Announce(TrackerTestData.Announce(hash, 3, left: AnnounceRequest.UnknownLeft), IPAddress.Parse("127.0.0.9"), now); // a magnet client's left=
            return r.Announce(TrackerTestData.Announce(hash, 2, left: 2048), IPAddress.Parse("127.0.0.8"), now);
        });
        var text = await Run("peers", hash.ToHex(), "--tracker", _tracker.HttpAnnounceUrl!);
        Assert.StartsWith(hash.ToHex(), text);
        Assert.Matches(@"127\.0\.0\.7:6001\s+seeder\s+0 B\s+0 B\s+0 B\s+TT 0\.0\.0\.1\s+-TT0001-000000000001", text);
        Assert.Matches(@"127\.0\.0\.8:6002\s+leecher\s+2 KiB", text);
        Assert.Matches(@"127\.0\.0\.9:6003\s+leecher\s+\?\s", text);
        Assert.Contains("3 peer(s)", text);
    }

    [Fact]
    public async Task Unknown_torrent_bad_hash_bad_url_and_unreachable_tracker_are_one_line_errors()
    {
        Assert.Contains("no torrent", await Fails("peers", new string('0', 40), "--tracker", _tracker.HttpAnnounceUrl!));
        Assert.Contains("not a 40-digit hex info-hash", await Fails("peers", "abc", "--tracker", _tracker.HttpAnnounceUrl!));
        Assert.Contains("is not an http(s) URL", await Fails("list", "--tracker", "udp://127.0.0.1:1/announce"));
        Assert.Contains("cannot reach the tracker", await Fails("list", "--tracker", "http://127.0.0.1:1/announce"));
        Assert.Contains("Option '--tracker' is required", await Fails("list"));
        Assert.Contains("Required argument 'info-hash' missing", await Fails("peers", "--tracker", "http://x/"));
    }

    [Fact]
    public async Task Publishing_garbage_reports_the_trackers_reason()
    {
        var path = Path.Combine(_dir, "bad.torrent");
        File.WriteAllText(path, "garbage");
        var message = await Fails("publish", path, "--tracker", _tracker.HttpAnnounceUrl!);
        Assert.Contains("the tracker refused", message);
        Assert.Contains("not a valid .torrent file", message);
        Assert.Contains("cannot read", await Fails("publish", Path.Combine(_dir, "missing.torrent"), "--tracker", _tracker.HttpAnnounceUrl!));
    }

    [Fact]
    public void Base_url_is_derived_from_an_announce_url()
    {
        Assert.Equal("http://h:1/", TrackerClientCommands.BaseUri("http://h:1/announce").ToString());
        Assert.Equal("http://h:1/", TrackerClientCommands.BaseUri("http://h:1").ToString());
        Assert.Equal("http://h:1/t/", TrackerClientCommands.BaseUri("http://h:1/t/announce?x=1").ToString());
    }

    [Fact]
    public async Task Serve_mode_listens_until_cancelled_and_honours_the_allow_list()
    {
        var allowed = TrackerTestData.Hash(1);
        var allowFile = Path.Combine(_dir, "allow.txt");
        File.WriteAllLines(allowFile, ["# private swarm", allowed.ToHex().ToUpperInvariant(), ""]);
        var output = new StringWriter();
        var shared = TextWriter.Synchronized(output); // written by the server task, read here
        string Text() { lock (shared) return output.ToString(); }
        using var stop = new CancellationTokenSource();
        var serving = TrackerCommand.ServeAsync(TrackerCommand.ParseServe("--http", "0", "--udp", "0", "--allow", allowFile), shared, stop.Token);
        string? url = null;
        for (var i = 0; i < 100 && url is null; i++)
        {
            await Task.Delay(50);
            url = Text().Split('\n').FirstOrDefault(l => l.StartsWith("udp tracker:", StringComparison.Ordinal))?["udp tracker:".Length..].Trim();
        }
        Assert.NotNull(url);
        Assert.Contains("allow list:   1 torrent(s)", Text());
        var port = new Uri(url).Port;
        using var client = new UdpTestClient(new IPEndPoint(IPAddress.Loopback, port));
        Assert.IsType<UdpAnnounceResponse>(await client.AnnounceAsync(await client.ConnectAsync(), TrackerTestData.Announce(allowed, 1)));
        Assert.IsType<UdpErrorResponse>(await client.AnnounceAsync(await client.ConnectAsync(), TrackerTestData.Announce(TrackerTestData.Hash(2), 1)));
        stop.Cancel();
        Assert.Equal(0, await serving.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("stopped (1 torrent(s), 1 peer(s))", Text());
    }

    [Theory]
    [InlineData(new[] { "--http", "x" }, "--http: 'x' is not a port")]
    [InlineData(new[] { "--udp", "70000" }, "--udp: '70000' is not a port")]
    [InlineData(new[] { "--http", "0", "--bind", "nowhere" }, "--bind: 'nowhere' is not an IP address")]
    [InlineData(new[] { "--http", "0", "--allow", "/nonexistent/allow.txt" }, "cannot read the allow list")]
    [InlineData(new[] { "--http", "0", "--frobnicate" }, "Unrecognized command or argument '--frobnicate'")]
    [InlineData(new[] { "--http" }, "Required argument missing for option: '--http'")]
    [InlineData(new[] { "--http", "0", "--publish-from", "not/an/address" }, "--publish-from: 'not/an/address' is not an address or a network")]
    [InlineData(new[] { "--http", "0", "--publish-token", "short" }, "at least 16 characters")]
    [InlineData(new[] { "--http", "0", "--cluster-port", "4154" }, "--cluster-secret: a tracker cluster needs a secret of at least 16 characters")]
    [InlineData(new[] { "--http", "0", "--cluster-port", "4154", "--cluster-secret", "short" }, "--cluster-secret: a tracker cluster needs a secret")]
    [InlineData(new[] { "--http", "0", "--cluster-seed", "127.0.0.1:4154" }, "--cluster-seed, --cluster-discovery, --cluster-secret and --cluster-host need --cluster-port")]
    public void Bad_serve_arguments_are_one_line_errors(string[] args, string message) =>
        Assert.Contains(message, Assert.ThrowsAny<CommandLineException>(() => TrackerCommand.ParseServe(args)).Message);

    [Fact]
    public async Task Tracker_without_ports_or_a_subcommand_is_a_usage_error()
    {
        var (code, _, error) = await InProcessHost.RunAsync("tracker");
        Assert.Equal(2, code);
        Assert.StartsWith("error: give --http <port> and/or --udp <port>", error);
    }

    [Fact]
    public void Cluster_flags_make_the_tracker_a_node_of_a_tracker_cluster()
    {
        Assert.Null(TrackerCommand.ParseServe(["--http", "0"]).Cluster);
        var a = TrackerCommand.ParseServe(["--http", "6970", "--udp", "6971", "--cluster-port", "4155", "--cluster-seed", "127.0.0.1:4154",
            "--cluster-seed", "127.0.0.1:4156", "--cluster-secret", "0123456789abcdefXYZ", "--interval", "30s", "--down-after", "5s"]);
        var cluster = Assert.IsType<Engine.Cluster.Trackers.TrackerClusterOptions>(a.Cluster);
        Assert.Equal(("127.0.0.1", 4155, "0123456789abcdefXYZ"), (cluster.Host, cluster.Port, cluster.Secret));
        Assert.Equal(["127.0.0.1:4154", "127.0.0.1:4156"], cluster.Seeds);
        Assert.Equal((a.Http, a.Udp), (cluster.Http, cluster.Udp));
        Assert.Equal(TimeSpan.FromSeconds(30), cluster.Tracker.Interval);
        Assert.Equal(TimeSpan.FromSeconds(5), cluster.DownUnreachableAfter);
    }

    [Fact]
    public void The_cluster_secret_may_come_from_the_environment_and_the_command_line_wins()
    {
        Environment.SetEnvironmentVariable(TrackerCommand.SecretVariable, "a secret from the environment");
        try
        {
            Assert.Equal("a secret from the environment", TrackerCommand.ParseServe(["--udp", "0", "--cluster-port", "4154"]).Cluster!.Secret);
            Assert.Equal("0123456789abcdefXYZ", TrackerCommand.ParseServe(["--udp", "0", "--cluster-port", "4154", "--cluster-secret", "0123456789abcdefXYZ"]).Cluster!.Secret);
        }
        finally { Environment.SetEnvironmentVariable(TrackerCommand.SecretVariable, null); }
    }

    [Fact]
    public void Publishing_is_open_to_this_machine_and_to_the_networks_and_token_given()
    {
        var defaults = TrackerCommand.ParseServe(["--http", "0"]).Options;
        Assert.Null(defaults.PublishToken);
        Assert.Contains(defaults.PublishFrom, n => n.Contains(System.Net.IPAddress.Loopback));
        var options = TrackerCommand.ParseServe(["--http", "0", "--publish-from", "10.1.0.0/16", "--publish-from", "192.168.1.7",
            "--publish-token", "0123456789abcdefXYZ"]).Options;
        Assert.Equal("0123456789abcdefXYZ", options.PublishToken);
        Assert.Contains(options.PublishFrom, n => n.Contains(System.Net.IPAddress.Parse("10.1.200.3")));
        Assert.Contains(options.PublishFrom, n => n.Contains(System.Net.IPAddress.Parse("192.168.1.7")));
        Assert.DoesNotContain(options.PublishFrom, n => n.Contains(System.Net.IPAddress.Parse("192.168.1.8")));
    }

    [Fact]
    public void A_bad_allow_list_line_names_the_file_and_line()
    {
        var path = Path.Combine(_dir, "allow.txt");
        File.WriteAllLines(path, [new string('a', 40), "not-a-hash"]);
        Assert.Contains($"{path}:2: 'not-a-hash' is not a 40-digit hex info-hash",
            Assert.ThrowsAny<CommandLineException>(() => TrackerCommand.ReadAllowList(path)).Message);
    }

    [Fact]
    public async Task A_port_in_use_is_a_one_line_error()
    {
        var taken = _tracker.HttpEndPoint!.Port;
        Assert.Contains("cannot listen", (await Assert.ThrowsAsync<CommandLineException>(() =>
            TrackerCommand.ServeAsync(TrackerCommand.ParseServe("--http", taken.ToString()), new StringWriter(), CancellationToken.None))).Message);
    }
}
