using System.CommandLine;
using System.Net;
using Engine.Cluster.Api;
using Engine.Core.Metainfo;
using Engine.Host.Cli;
using Engine.Host.Output;
using Engine.Host.Web;

namespace Engine.Host.Commands;

/// <summary>
/// <c>node</c>: runs one node of a torrent cluster (<see cref="TorrentCluster"/>): joins the seed nodes (or starts a
/// cluster when none is given, or finds its cluster through <c>--cluster-discovery</c>), holds the torrents placement gives it, adds <c>--add</c> torrents to the catalog, and
/// writes the cluster's torrents, where each is placed and every replica's progress every <c>--status-interval</c>.
/// Ctrl+C or SIGTERM leaves the cluster gracefully.
/// </summary>
public static class NodeCommand
{
    public sealed class Definition
    {
        public Option<int> ClusterPort { get; } = Opt.Port("--cluster-port", "the cluster port (Akka.Remote) other nodes reach this one at", 4053);

        public Option<IPAddress> ClusterHost { get; } = Opt.Address("--cluster-host", "the address the cluster port binds and other nodes reach it at", IPAddress.Loopback);

        public Option<string[]> Seeds { get; } = Opt.ClusterSeeds("a seed node's cluster address (host:port); repeat for more; none: start a new cluster");

        public Option<string?> Data { get; } = Opt.Text("--data", "where this node keeps its replicas and its engine's state", "dir");

        public Option<int> Port { get; } = Opt.Port("--port", "the BitTorrent peer port (0: a free one)", 6881, "-p");

        public Option<IPAddress?> Bind { get; } = Opt.OptionalAddress("--bind", "the address the peer port binds (default: the cluster host)");

        public Option<int> MinMembers { get; } = Opt.Int("--min-members", "members that must have joined before any holds a torrent (start a cluster of known size without moving replicas)", 1, 1, 1000);

        public Option<string?> DurableCatalog { get; } = Opt.Text("--durable-catalog", "keep the cluster's catalog on disk here so its torrents survive a restart of every node; one directory per node", "dir");

        public Option<int> Replicas { get; } = Opt.Int("--replicas", "replicas of each torrent added with --add (never more than the nodes)", 2, 1, 64);

        public Option<string[]> Add { get; } = new("--add")
        {
            Description = "put this .torrent in the cluster's catalog once the node runs; repeat for more",
            HelpName = "file",
            AllowMultipleArgumentsPerToken = false,
            DefaultValueFactory = _ => [],
        };

        public Option<IPEndPoint[]> Sources { get; } = Opt.Peers();

        public Option<Duration> DownAfter { get; } = Opt.DownAfter();

        public Option<Duration> Interval { get; } = Opt.Duration("--status-interval", "how often the cluster's torrents are written", TimeSpan.FromSeconds(10),
            TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));

        public Option<int?> Web { get; } = Opt.OptionalPort("--web", "also serve the web UI and REST API of the whole cluster on this port (0: a free one)");

        public Option<IPAddress?> WebBind { get; } = Opt.OptionalAddress("--web-bind", "address of the web UI (default 127.0.0.1)");

        public Option<string?> WebPassword { get; } = Opt.Password("--web-password");

        public DiscoveryOptions.Set Discovery { get; } = new();

        public ClusterDiscoveryArguments ClusterDiscovery { get; } = new();

        public Command Create()
        {
            var command = new Command("node", "run a node of a torrent cluster: torrents placed on R nodes by info-hash, replicas refilled from each other when a node goes")
            {
                ClusterPort, ClusterHost, Seeds, Data, Port, Bind, MinMembers, Replicas, DurableCatalog, Add, Sources, DownAfter, Interval, Web, WebBind, WebPassword,
            };
            Discovery.AddTo(command);
            ClusterDiscovery.AddTo(command);
            command.Validators.Add(r =>
            {
                if (!Opt.Given(r.GetResult(Data))) r.AddError("--data: give the directory this node keeps its replicas in");
                if (Opt.Given(r.GetResult(WebBind)) && !Opt.Given(r.GetResult(Web))) r.AddError("--web-bind goes with --web <port>");
            });
            return command;
        }

        /// <summary>The web UI's options, or null without <c>--web</c>; a UI beyond loopback without a password is refused.</summary>
        public WebOptions? ReadWeb(ParseResult r, string data)
        {
            if (r.GetValue(Web) is not { } port) return null;
            var bind = r.GetValue(WebBind) ?? IPAddress.Loopback;
            var password = Opt.PasswordOf(r, WebPassword);
            Opt.RequirePasswordBeyondLoopback(bind, password, "--web-bind", "--web-password");
            return new WebOptions(bind, port, data) { Password = password };
        }

        public TorrentClusterOptions Options(ParseResult r, HostSettings settings)
        {
            var host = r.GetValue(ClusterHost)!;
            var data = Path.GetFullPath(r.GetValue(Data)!);
            var bind = r.GetValue(Bind) ?? host;
            return new TorrentClusterOptions
            {
                Host = host.ToString(),
                Port = r.GetValue(ClusterPort),
                Seeds = r.GetValue(Seeds) ?? [],
                Discovery = ClusterDiscovery.Read(r, settings.ClusterDiscovery, r.GetValue(Seeds) is { Length: > 0 }),
                DataDirectory = data,
                Replicas = r.GetValue(Replicas),
                MinMembers = r.GetValue(MinMembers),
                DownUnreachableAfter = r.GetValue(DownAfter),
                DurableCatalogDirectory = r.GetValue(DurableCatalog) is { } catalog ? Path.GetFullPath(catalog) : null,
                Engine = Discovery.Read(r).Apply(settings.Engine) with
                {
                    ListenOn = new IPEndPoint(bind, r.GetValue(Port)),
                    StateDirectory = Path.Combine(data, "state"),
                    Session = false,
                },
            };
        }
    }

    /// <summary>Parses <c>node</c>'s arguments (without running it): the node's options and the web UI's (null without <c>--web</c>); a mistake throws <see cref="UsageException"/>.</summary>
    public static (TorrentClusterOptions Node, WebOptions? Web) Parse(params string[] args)
    {
        var d = new Definition();
        return CliParse.Read(d.Create(), args, (r, settings) =>
        {
            var options = d.Options(r, settings);
            return (options, d.ReadWeb(r, options.DataDirectory));
        });
    }

    public static Command Create(HostConsole console, GlobalOptions global)
    {
        var d = new Definition();
        var command = d.Create();
        command.SetAction(async (r, _) =>
        {
            console.Verbose = r.GetValue(global.Verbose);
            var options = d.Options(r, global.Read(r));
            var torrents = (r.GetValue(d.Add) ?? []).Select(ReadTorrent).ToList();
            using var stop = new StopSignal();
            var web = d.ReadWeb(r, options.DataDirectory);
            return await RunAsync(options, torrents, r.GetValue(d.Sources) ?? [], r.GetValue(d.Interval), console, stop, web);
        });
        return command;
    }

    private static async Task<List<string>> StatusAsync(TorrentCluster node) =>
        NodeLines.Status(await node.GetMembersAsync(), await node.ListAsync()).ToList();

    private static byte[] ReadTorrent(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CommandLineException($"cannot read {path}: {e.Message}"); }
        try { TorrentMetainfo.Parse(bytes); }
        catch (MetainfoException e) { throw new CommandLineException($"{path}: {e.Message}"); }
        return bytes;
    }

    public static async Task<int> RunAsync(TorrentClusterOptions options, IReadOnlyList<byte[]> add, IReadOnlyList<IPEndPoint> sources, TimeSpan every,
        HostConsole console, StopSignal stop, WebOptions? web = null)
    {
        if (HostBuild.ClusterUnavailable() is { } unavailable) throw new CommandLineException(unavailable);
        TorrentCluster node;
        try { node = TorrentCluster.Start(options); }
        catch (Exception e) when (e is Engine.Api.TorrentEngineException or ArgumentException)
        {
            throw new CommandLineException($"the node could not start: {e.Message}");
        }
        await using (node)
        {
            console.Out.WriteLine($"node {node.Node}; peers on {node.Engine.ListenEndPoint}; data in {options.DataDirectory}; Ctrl+C leaves the cluster");
            if (options.Discovery is { } d)
                console.Out.WriteLine($"looking for the cluster of service '{d.Service}' ({d.Method} discovery) for up to {Opt.Human(d.GiveUpAfter)}");
            var gaveUp = ClusterDiscoveryArguments.GaveUp(node.WhenUp);
            await using var server = web is null ? null : await WebServer.StartOrExplainAsync(node, web, "--web");
            if (server is not null) console.Out.WriteLine($"web ui: {server.Address} (api: {server.Address}api/cluster)");
            foreach (var torrent in add)
                console.Out.WriteLine($"added {(await node.AddAsync(torrent, options.Replicas, sources)).ToHex()}");
            do
            {
                // Downed (the split-brain resolver on the minority side), the node stops itself: its actor no longer
                // answers, so the status asks would only time out. Whichever comes first.
                var status = StatusAsync(node);
                var first = await Task.WhenAny(status, node.WhenStopped, gaveUp);
                if (gaveUp.IsCompleted)
                {
                    console.Error.WriteLine($"error: {(await gaveUp).Message}; the node stops");
                    return ExitCodes.Error;
                }
                if (first != status || node.WhenStopped.IsCompleted)
                {
                    console.Error.WriteLine("error: the cluster removed this node (downed: unreachable from the majority); it has stopped");
                    return ExitCodes.Error;
                }
                foreach (var line in await status) console.Out.WriteLine(line);
            }
            while (await stop.DelayAsync(every));
            console.Out.WriteLine("leaving the cluster");
        }
        return ExitCodes.Ok;
    }
}
