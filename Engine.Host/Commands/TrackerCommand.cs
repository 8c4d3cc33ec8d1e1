using System.Globalization;
using System.Net;
using Engine.Core.Primitives;
using Engine.TrackerServer;

namespace Engine.Host.Commands;

/// <summary>
/// <c>tracker</c>: runs our tracker (<c>--http</c>/<c>--udp</c>), or talks to one: <c>list</c>, <c>peers</c>, <c>publish</c>.
/// </summary>
public static class TrackerCommand
{
    public const string Usage = """
        usage: Engine.Host tracker [--http <port>] [--udp <port>] [--bind <address>] [--allow <infohash-file>] [--interval <seconds>]
                                   [--publish-from <address[/bits]>]... [--publish-token <secret>]
               Engine.Host tracker list --tracker <url>
               Engine.Host tracker peers <info-hash> --tracker <url>
               Engine.Host tracker publish <file.torrent> --tracker <url> [--token <secret>]
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        if (args.Length > 0 && args[0] is "list" or "peers" or "publish")
            return await TrackerClientCommands.RunAsync(args, output);
        using var stop = new StopSignal();
        return await ServeAsync(args, output, stop.Token);
    }

    /// <summary>Runs the tracker until <paramref name="stop"/> fires. Prints where it listens, then a line when it stops.</summary>
    internal static async Task<int> ServeAsync(string[] args, TextWriter output, CancellationToken stop)
    {
        var (http, udp, options) = ParseServeArguments(args);
        var tracker = new global::Engine.TrackerServer.TrackerServer(options);
        await using (tracker)
        {
            try
            {
                await tracker.StartAsync(http, udp, stop);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                throw new CommandLineException($"cannot listen: {e.Message}");
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
        return 0;
    }

    internal static (IPEndPoint? Http, IPEndPoint? Udp, TrackerOptions Options) ParseServeArguments(string[] args)
    {
        int? httpPort = null, udpPort = null;
        var bind = IPAddress.Loopback;
        IReadOnlySet<InfoHash>? allow = null;
        var options = new TrackerOptions();
        var publishFrom = new List<IPNetwork>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new CommandLineException($"{arg} needs a value; {Usage}");
            switch (arg)
            {
                case "--http": httpPort = Port(Value(), arg); break;
                case "--udp": udpPort = Port(Value(), arg); break;
                case "--bind":
                    var text = Value();
                    if (!IPAddress.TryParse(text, out bind!)) throw new CommandLineException($"--bind: '{text}' is not an IP address");
                    break;
                case "--allow": allow = ReadAllowList(Value()); break;
                case "--publish-from":
                    var network = Value();
                    if (!IPNetwork.TryParse(network.Contains('/') ? network : network + (network.Contains(':') ? "/128" : "/32"), out var parsed))
                        throw new CommandLineException($"--publish-from: '{network}' is not an address or a network (10.0.0.0/8)");
                    publishFrom.Add(parsed);
                    break;
                case "--publish-token":
                    var token = Value();
                    if (token.Length < 16) throw new CommandLineException("--publish-token: give a secret of at least 16 characters");
                    options = options with { PublishToken = token };
                    break;
                case "--interval":
                    var seconds = Value();
                    if (!int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var s) || s is < 10 or > 86400)
                        throw new CommandLineException($"--interval: '{seconds}' is not a number of seconds in 10..86400");
                    options = options with { Interval = TimeSpan.FromSeconds(s), MinInterval = TimeSpan.FromSeconds(Math.Min(60, s)) };
                    break;
                default: throw new CommandLineException($"unknown option '{arg}'; {Usage}");
            }
        }
        if (httpPort is null && udpPort is null) throw new CommandLineException($"give --http <port> and/or --udp <port>; {Usage}");
        return (httpPort is { } hp ? new IPEndPoint(bind, hp) : null, udpPort is { } up ? new IPEndPoint(bind, up) : null,
            options with { AllowList = allow, PublishFrom = [.. options.PublishFrom, .. publishFrom] });
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

    private static int Port(string text, string option) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535
            ? port
            : throw new CommandLineException($"{option}: '{text}' is not a port (0-65535; 0 picks a free one)");
}
