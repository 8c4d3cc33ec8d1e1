using System.CommandLine;
using System.Net;
using Engine.Api;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;
using Engine.Host.Cli;
using Engine.Host.Output;

namespace Engine.Host.Commands;

/// <summary>
/// <c>dht</c>: runs a DHT node of its own (no torrents) and prints its routing table's size, lookups and stored peers
/// every <c>--status-interval</c>, then, at Ctrl+C, the whole routing table and the torrents announced to it.
/// <c>dht get-peers &lt;info-hash&gt;</c>: one lookup, its peers one a line, then how it went.
/// Both keep the routing table in the host's state directory, as downloads do, so the next run joins at once.
/// </summary>
public static class DhtCommand
{
    /// <summary>The options both forms take: where the node listens and whom it joins through.</summary>
    public sealed class Definition
    {
        public Option<PortRange> Port { get; } = Opt.Ports("--port", "UDP port of the node", "-p");

        public Option<IPAddress> Bind { get; } = Opt.Address("--bind", "address the node binds", IPAddress.Any);

        public DiscoveryOptions.Set Discovery { get; } = new(switches: false);

        public void AddTo(Command command)
        {
            command.Options.Add(Port);
            command.Options.Add(Bind);
            Discovery.AddTo(command);
        }

        /// <summary>An engine that runs the DHT only: no peer exchange or local discovery, the listener where asked.</summary>
        public TorrentEngineOptions Options(ParseResult r, HostSettings settings)
        {
            var bind = r.GetValue(Bind)!;
            return Discovery.Read(r).Apply(settings.Engine) with
            {
                ListenOn = new IPEndPoint(bind, r.GetValue(Port)!.Pick(bind)),
                Dht = true,
                Pex = false,
                Lsd = false,
            };
        }
    }

    public static Command Create(HostConsole console, GlobalOptions global)
    {
        var node = new Definition();
        var interval = Opt.Duration("--status-interval", "how often the node's status is written", TimeSpan.FromSeconds(10),
            TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        var command = new Command("dht", "run a DHT node and watch it (its routing table, lookups and the peers announced to it), or look up a torrent's peers");
        node.AddTo(command);
        command.Options.Add(interval);
        command.SetAction(async (r, _) =>
        {
            console.Verbose = r.GetValue(global.Verbose);
            using var stop = new StopSignal();
            return await WatchAsync(node.Options(r, global.Read(r)), r.GetValue(interval), console, stop.Token);
        });

        var lookup = new Definition();
        var target = new Argument<string>("info-hash") { Description = "40 hex digits, or a magnet link" };
        var within = Opt.Duration("--timeout", "give up the lookup after this long (printing what it found)", TimeSpan.FromSeconds(60),
            TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        var getPeers = new Command("get-peers", "look up a torrent's peers in the DHT once and print them") { target, within };
        lookup.AddTo(getPeers);
        getPeers.SetAction(async (r, _) =>
        {
            console.Verbose = r.GetValue(global.Verbose);
            var hash = InfoHashOf(r.GetValue(target)!);
            using var stop = new StopSignal();
            return await GetPeersAsync(lookup.Options(r, global.Read(r)), hash, r.GetValue(within), console, stop.Token);
        });
        command.Subcommands.Add(getPeers);
        return command;
    }

    /// <summary>40 hex digits or a magnet link's info-hash; anything else is one line.</summary>
    public static InfoHash InfoHashOf(string text)
    {
        if (InfoHash.TryFromHex(text, out var hash)) return hash;
        if (text.StartsWith("magnet:", StringComparison.OrdinalIgnoreCase))
        {
            try { return MagnetLink.Parse(text).InfoHash; }
            catch (MagnetException e) { throw new CommandLineException($"not a usable magnet link: {e.Message}"); }
        }
        throw new CommandLineException($"'{text}' is not an info-hash: give 40 hex digits or a magnet link");
    }

    public static async Task<int> GetPeersAsync(TorrentEngineOptions options, InfoHash hash, TimeSpan within, HostConsole console, CancellationToken stop)
    {
        await using var engine = TorrentSession.StartEngine(options, console.Verbose);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var found = await engine.FindPeersAsync(hash, within, stop) ?? throw new CommandLineException("the DHT could not start (see the message above)");
        foreach (var peer in found.Peers) console.Out.WriteLine(peer);
        var how = found.Finished
            ? $"{found.Queried} nodes asked, {found.Answered} answered, {found.Rounds} rounds"
            : stop.IsCancellationRequested ? "interrupted" : $"not converged within {Opt.Human(within)}";
        console.Out.WriteLine($"{found.Peers.Count} peer{(found.Peers.Count == 1 ? "" : "s")} of {hash.ToHex()} in {clock.Elapsed.TotalSeconds:F1} s ({how})");
        return stop.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Ok;
    }

    public static async Task<int> WatchAsync(TorrentEngineOptions options, TimeSpan every, HostConsole console, CancellationToken stop)
    {
        await using var engine = TorrentSession.StartEngine(options, console.Verbose);
        var status = await engine.GetDhtStatusAsync() ?? throw new CommandLineException("the DHT could not start (see the message above)");
        console.Out.WriteLine($"dht node {status.NodeId} on udp {engine.ListenEndPoint}; Ctrl+C prints the routing table and stops");
        while (!stop.IsCancellationRequested)
        {
            try { await Task.Delay(every, stop); }
            catch (OperationCanceledException) { break; }
            if (await engine.GetDhtStatusAsync() is { } s) console.Out.WriteLine(DhtLines.Status(s));
        }
        if (await engine.GetDhtTableAsync() is { } table)
            foreach (var line in DhtLines.Table(table, DateTimeOffset.UtcNow)) console.Out.WriteLine(line);
        return ExitCodes.Ok;
    }
}
