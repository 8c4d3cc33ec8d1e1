using System.Globalization;
using System.Net;

namespace Engine.Host.Commands;

/// <summary>The parsed command line of <c>seed</c>.</summary>
public sealed record SeedArguments(
    string TorrentPath,
    string DataDirectory,
    int Port,
    IPAddress ListenAddress,
    int MaxPeers,
    IReadOnlyList<IPEndPoint> Peers,
    TransferOptions Transfer,
    int StatusIntervalMs)
{
    public const string Usage = "seed <file.torrent> --data <dir> [--port N] [--bind <address>] [--max-peers N] [--peer host:port]... [--max-upload KiB/s] [--ratio R] [--seed-time <seconds>] [--status-interval <ms>]";

    public static SeedArguments Parse(string[] args)
    {
        string? torrent = null;
        string? data = null;
        var port = 6881;
        var address = IPAddress.Any;
        var maxPeers = 50;
        var peers = new List<IPEndPoint>();
        var transfer = TransferOptions.Default;
        var statusInterval = 5000;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--max-download") throw new CommandLineException("seed does not download: --max-download does not apply");
            if (transfer.TryParse(args, ref i, out var parsed))
            {
                transfer = parsed;
                continue;
            }
            switch (args[i])
            {
                case "--data" or "-d": data = Value(args, ref i); break;
                case "--port": port = Int(args, ref i, 0, 65535); break;
                case "--bind": address = IPAddress.TryParse(Value(args, ref i), out var a) ? a : throw new CommandLineException("--bind needs an IP address"); break;
                case "--max-peers": maxPeers = Int(args, ref i, 1, 10000); break;
                case "--status-interval": statusInterval = Int(args, ref i, 100, 3_600_000); break;
                case "--peer":
                    var text = Value(args, ref i);
                    if (!IPEndPoint.TryParse(text, out var ep) || ep.Port == 0) throw new CommandLineException($"--peer '{text}' is not host:port");
                    peers.Add(ep);
                    break;
                default:
                    if (args[i].StartsWith('-')) throw new CommandLineException($"unknown option '{args[i]}'; usage: {Usage}");
                    if (torrent is not null) throw new CommandLineException("seed takes one .torrent file");
                    torrent = args[i];
                    break;
            }
        }
        if (torrent is null) throw new CommandLineException($"usage: {Usage}");
        if (data is null) throw new CommandLineException($"seed needs --data <dir>, the directory holding the torrent's files; usage: {Usage}");
        return new SeedArguments(torrent, data, port, address, maxPeers, peers, transfer, statusInterval);
    }

    private static string Value(string[] args, ref int i)
    {
        if (i + 1 >= args.Length) throw new CommandLineException($"{args[i]} needs a value");
        return args[++i];
    }

    private static int Int(string[] args, ref int i, int min, int max)
    {
        var name = args[i];
        var text = Value(args, ref i);
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
            throw new CommandLineException($"{name} must be a number from {min} to {max}");
        return v;
    }
}
