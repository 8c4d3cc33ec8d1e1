using System.CommandLine;
using System.Net;
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
    public sealed record ServeArguments(IPEndPoint? Http, IPEndPoint? Udp, TrackerOptions Options);

    /// <summary>Parses the serving form of <c>tracker</c> (without running it); a mistake throws <see cref="UsageException"/>.</summary>
    public static ServeArguments ParseServe(params string[] args)
    {
        var d = new Definition();
        return CliParse.Read(d.Create(), args, (r, _) => d.Read(r));
    }

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

        public Command Create()
        {
            var command = new Command("tracker", "run our HTTP/UDP tracker with a file catalog, or talk to one (list, peers, publish)")
            {
                Http, Udp, Bind, Allow, Interval, PublishFrom, PublishToken,
            };
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

        public ServeArguments Read(ParseResult r)
        {
            var bind = r.GetValue(Bind)!;
            TimeSpan interval = r.GetValue(Interval);
            var options = new TrackerOptions() with
            {
                AllowList = r.GetValue(Allow) is { } allow ? ReadAllowList(allow) : null,
            };
            options = options with { PublishFrom = [.. options.PublishFrom, .. r.GetValue(PublishFrom) ?? []], PublishToken = r.GetValue(PublishToken) };
            if (Opt.Given(r, Interval)) options = options with { Interval = interval, MinInterval = TimeSpan.FromSeconds(Math.Min(60, interval.TotalSeconds)) };
            return new ServeArguments(r.GetValue(Http) is { } h ? new IPEndPoint(bind, h) : null, r.GetValue(Udp) is { } u ? new IPEndPoint(bind, u) : null, options);
        }
    }

    public static Command Create(HostConsole console)
    {
        var definition = new Definition();
        var command = definition.Create();
        command.SetAction(async (r, _) =>
        {
            var a = definition.Read(r);
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
