using System.CommandLine;
using System.Net;
using Engine.Cluster.Trackers;
using Engine.Host.Cli;
using Engine.Core.Primitives;
using Engine.TrackerServer;

namespace Engine.Host.Commands;

/// <summary>
/// <c>tracker</c>: runs our tracker (<c>--http</c>/<c>--udp</c>), or talks to one: <c>list</c>, <c>peers</c>, <c>publish</c>.
/// </summary>
public static class TrackerCommand
{
    /// <summary>What <c>tracker</c> serves: where, and with which options.</summary>
    public sealed record ServeArguments(IPEndPoint? Http, IPEndPoint? Udp, TrackerOptions Options)
    {
        /// <summary>Set with <c>--cluster-port</c>: this tracker is a node of a tracker cluster.</summary>
        public TrackerClusterOptions? Cluster { get; init; }
    }

    /// <summary>Parses the serving form of <c>tracker</c> (without running it); a mistake throws <see cref="UsageException"/>.</summary>
    public static ServeArguments ParseServe(params string[] args)
    {
        var d = new Definition();
        return CliParse.Read(d.Create(), args, d.Read);
    }

    /// <summary>The environment variable the tracker cluster's secret may come from instead of <c>--cluster-secret</c>.</summary>
    public const string SecretVariable = "ENGINE_HOST_TRACKER_SECRET";

    public sealed class Definition
    {
        public Option<int?> Http { get; } = Opt.OptionalPort("--http", "serve HTTP announces (and the catalog) on this port");

        public Option<int?> Udp { get; } = Opt.OptionalPort("--udp", "serve UDP announces on this port");

        public Option<IPAddress> Bind { get; } = Opt.Address("--bind", "address to listen on", IPAddress.Loopback);

        public Option<string?> Allow { get; } = Opt.Text("--allow", "serve only the info-hashes listed in this file (40 hex digits a line)", "file");

        public Option<Duration> Interval { get; } = Opt.Duration("--interval", "announce interval told to clients", TimeSpan.FromMinutes(15),
            TimeSpan.FromSeconds(10), TimeSpan.FromDays(1));

        public Option<IPNetwork[]> PublishFrom { get; } = new("--publish-from")
        {
            Description = "addresses allowed to publish in the catalog (an address or a network such as 10.0.0.0/8); repeat for more",
            HelpName = "address[/bits]",
            AllowMultipleArgumentsPerToken = false,
            CustomParser = r => r.Tokens.Select(t => Network(r, t.Value)).ToArray(),
        };

        public Option<string?> PublishToken { get; } = Opt.Text("--publish-token", "a secret (16 characters or more) that lets anyone holding it publish", "secret");

        public Option<int?> ClusterPort { get; } = Opt.OptionalPort("--cluster-port", "be a node of a tracker cluster: the cluster port (Akka.Remote) other nodes reach this one at");

        public Option<IPAddress?> ClusterHost { get; } = Opt.OptionalAddress("--cluster-host", "the address the cluster port binds and other nodes reach it at (default: --bind)");

        public Option<string[]> Seeds { get; } = Opt.ClusterSeeds("a tracker cluster node to join (host:port); repeat for more; none: start a new cluster");

        public Option<string?> Secret { get; } = Opt.Text("--cluster-secret",
            $"the secret every node of the tracker cluster is given (16 characters or more; or set {SecretVariable}): UDP connection ids are valid on every node", "secret");

        /// <summary>The cluster secret given, else the environment's (which other users cannot read in <c>ps</c>), else null.</summary>
        private static string? SecretOf(string? given) =>
            given is { Length: > 0 } ? given : Environment.GetEnvironmentVariable(SecretVariable) is { Length: > 0 } env ? env : null;

        public Option<Duration> DownAfter { get; } = Opt.DownAfter();

        public ClusterDiscoveryArguments ClusterDiscovery { get; } = new();

        public Command Create()
        {
            var command = new Command("tracker", "run our HTTP/UDP tracker with a file catalog (alone, or as a node of a tracker cluster), or talk to one (list, peers, publish)")
            {
                Http, Udp, Bind, Allow, Interval, PublishFrom, PublishToken, ClusterPort, ClusterHost, Seeds, Secret, DownAfter,
            };
            ClusterDiscovery.AddTo(command);
            command.Validators.Add(r =>
            {
                if (r.GetValue(PublishToken) is { Length: < 16 }) r.AddError("--publish-token: give a secret of at least 16 characters");
            });
            return command;
        }

        private static IPNetwork Network(System.CommandLine.Parsing.ArgumentResult r, string text)
        {
            if (IPNetwork.TryParse(text.Contains('/') ? text : text + (text.Contains(':') ? "/128" : "/32"), out var network)) return network;
            r.AddError($"--publish-from: '{text}' is not an address or a network (10.0.0.0/8)");
            return default;
        }

        /// <summary>
        /// The tracker's arguments; its cluster options from the command line over the config file's "TrackerCluster"
        /// section (the secret: <c>--cluster-secret</c>, else the environment variable, else the file).
        /// </summary>
        public ServeArguments Read(ParseResult r, HostSettings settings)
        {
            var file = settings.TrackerCluster;
            var clusterPort = r.GetValue(ClusterPort) ?? file?.Port;
            if (clusterPort is null && (Opt.Given(r.GetResult(Seeds)) || Opt.Given(r.GetResult(Secret)) || Opt.Given(r.GetResult(ClusterHost)) || ClusterDiscovery.Given(r)))
                throw new UsageException("--cluster-seed, --cluster-discovery, --cluster-secret and --cluster-host need --cluster-port (a node of a tracker cluster)");
            if (clusterPort is null && file is not null)
                throw new UsageException($"--config: the {TrackerClusterSettings.SectionName} section needs a Port (or give --cluster-port)");
            var secret = SecretOf(r.GetValue(Secret)) ?? file?.Secret;
            if (clusterPort is not null && secret is not { Length: >= 16 })
                throw new UsageException("--cluster-secret: a tracker cluster needs a secret of at least 16 characters, the same on every node");
            var bind = r.GetValue(Bind)!;
            TimeSpan interval = r.GetValue(Interval);
            var options = new TrackerOptions() with
            {
                AllowList = r.GetValue(Allow) is { } allow ? ReadAllowList(allow) : null,
            };
            options = options with { PublishFrom = [.. options.PublishFrom, .. r.GetValue(PublishFrom) ?? []], PublishToken = r.GetValue(PublishToken) };
            if (Opt.Given(r, Interval)) options = options with { Interval = interval, MinInterval = TimeSpan.FromSeconds(Math.Min(60, interval.TotalSeconds)) };
            var http = r.GetValue(Http) is { } h ? new IPEndPoint(bind, h) : null;
            var udp = r.GetValue(Udp) is { } u ? new IPEndPoint(bind, u) : null;
            var seeds = r.GetValue(Seeds) is { Length: > 0 } given ? given : file?.Seeds ?? [];
            var discovery = clusterPort is null ? null : ClusterDiscovery.Read(r, settings.ClusterDiscovery, seeds.Count > 0);
            return new ServeArguments(http, udp, options)
            {
                Cluster = clusterPort is not { } port ? null : new TrackerClusterOptions
                {
                    Host = (r.GetValue(ClusterHost) ?? file?.Host ?? bind).ToString(),
                    Port = port,
                    Seeds = seeds,
                    Discovery = discovery,
                    Secret = secret!,
                    Http = http,
                    Udp = udp,
                    Tracker = options,
                    DownUnreachableAfter = !Opt.Given(r, DownAfter) && file?.DownAfter is { } down ? down : r.GetValue(DownAfter),
                },
            };
        }
    }

    public static Command Create(HostConsole console, GlobalOptions global)
    {
        var definition = new Definition();
        var command = definition.Create();
        command.SetAction(async (r, _) =>
        {
            var a = definition.Read(r, global.Read(r));
            if (a.Http is null && a.Udp is null) throw new UsageException("give --http <port> and/or --udp <port>, or a subcommand (list, peers, publish)");
            using var stop = new StopSignal();
            return await ServeAsync(a, console.Out, stop.Token);
        });
        foreach (var sub in TrackerClientCommands.Create(console)) command.Subcommands.Add(sub);
        return command;
    }

    /// <summary>Runs the tracker until <paramref name="stop"/> fires. Prints where it listens, then a line when it stops.</summary>
    internal static async Task<int> ServeAsync(ServeArguments a, TextWriter output, CancellationToken stop)
    {
        if (a.Cluster is { } cluster) return await ServeClusterAsync(cluster, output, stop);
        var (http, udp, options) = a;
        var tracker = new global::Engine.TrackerServer.TrackerServer(options);
        await using (tracker)
        {
            try
            {
                await tracker.StartAsync(http, udp, stop);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                throw new CommandLineException($"cannot listen on {(http ?? udp)}{(http is not null && udp is not null ? $" / udp {udp}" : "")}: {e.Message} (choose other ports)");
            }
            if (tracker.HttpAnnounceUrl is { } h) output.WriteLine($"http tracker: {h} (catalog: {h[..^"/announce".Length]}/catalog)");
            if (tracker.UdpAnnounceUrl is { } u) output.WriteLine($"udp tracker:  {u}");
            if (options.AllowList is { } allow) output.WriteLine($"allow list:   {allow.Count} torrent(s)");
            output.WriteLine("press Ctrl+C to stop");
            output.Flush();
            try
            {
                await Task.Delay(Timeout.Infinite, stop);
            }
            catch (OperationCanceledException)
            {
            }
            output.WriteLine($"stopped ({tracker.TorrentCount} torrent(s), {tracker.PeerCount} peer(s))");
        }
        return ExitCodes.Ok;
    }

    /// <summary>Runs a node of a tracker cluster until <paramref name="stop"/> fires (or the cluster downs it), then leaves.</summary>
    private static async Task<int> ServeClusterAsync(TrackerClusterOptions options, TextWriter output, CancellationToken stop)
    {
        if (HostBuild.ClusterUnavailable() is { } unavailable) throw new CommandLineException(unavailable);
        TrackerCluster node;
        try
        {
            node = TrackerCluster.Start(options);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new CommandLineException($"the tracker cluster node could not start: {e.GetBaseException().Message} (choose other ports)");
        }
        await using (node)
        {
            output.WriteLine($"tracker cluster node {node.Node}{(options.Discovery is { } d ? $", looking for the cluster of service '{d.Service}' ({d.Method} discovery) for up to {Opt.Human(d.GiveUpAfter)}"
                : options.Seeds.Count == 0 ? " (a new cluster)" : $", joining {string.Join(", ", options.Seeds)}")}");
            if (node.HttpAnnounceUrl is { } h) output.WriteLine($"http tracker: {h} (catalog of the whole cluster: {h[..^"/announce".Length]}/catalog)");
            if (node.UdpAnnounceUrl is { } u) output.WriteLine($"udp tracker:  {u}");
            output.WriteLine("press Ctrl+C to leave the cluster");
            output.Flush();
            var gaveUp = ClusterDiscoveryArguments.GaveUp(node.WhenUp);
            await Task.WhenAny(Task.Delay(Timeout.Infinite, stop), node.WhenStopped, gaveUp);
            if (gaveUp.IsCompleted)
            {
                output.WriteLine($"error: {(await gaveUp).Message}; the node stops");
                return ExitCodes.Error;
            }
            if (node.WhenStopped.IsCompleted && !stop.IsCancellationRequested)
            {
                output.WriteLine("error: the cluster removed this node (downed: unreachable from the majority); it has stopped");
                return ExitCodes.Error;
            }
            output.WriteLine("leaving the tracker cluster");
        }
        return ExitCodes.Ok;
    }

    /// <summary>One 40-digit hex info-hash a line; blank lines and <c>#</c> comments are skipped.</summary>
    internal static IReadOnlySet<InfoHash> ReadAllowList(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new CommandLineException($"cannot read the allow list {path}: {e.Message}");
        }
        var set = new HashSet<InfoHash>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var hash = line.IndexOf('#');
            if (hash >= 0) line = line[..hash];
            line = line.Trim();
            if (line.Length == 0) continue;
            if (!InfoHash.TryFromHex(line, out var infoHash))
                throw new CommandLineException($"{path}:{i + 1}: '{line}' is not a 40-digit hex info-hash");
            set.Add(infoHash);
        }
        return set;
    }
}
