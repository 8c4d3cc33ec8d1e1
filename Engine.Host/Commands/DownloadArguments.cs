using System.Net;

namespace Engine.Host.Commands;

/// <summary>The parsed command line of <c>download</c>.</summary>
public sealed record DownloadArguments(
    string TorrentPath,
    string OutputDirectory,
    int Port,
    IPAddress ListenAddress,
    int MaxPeers,
    string? ResumeDirectory,
    bool Seed,
    IReadOnlyList<IPEndPoint> Peers,
    int StatusIntervalMs = 5000)
{
    /// <summary>Rate limits and when <c>--seed</c> stops (<c>--ratio</c>, <c>--seed-time</c>, which imply <c>--seed</c>).</summary>
    public TransferOptions Transfer { get; init; } = TransferOptions.Default;

    public static DownloadArguments Parse(string[] args)
    {
        string? torrent = null;
        var output = ".";
        var port = 6881;
        var address = IPAddress.Any;
        var maxPeers = 50;
        string? resume = null;
        var seed = false;
        var peers = new List<IPEndPoint>();
        var statusInterval = 5000;
        var transfer = TransferOptions.Default;
        for (var i = 0; i < args.Length; i++)
        {
            if (transfer.TryParse(args, ref i, out var parsed))
            {
                transfer = parsed;
                continue;
            }
            switch (args[i])
            {
                case "-o" or "--output": output = Value(args, ref i); break;
                case "--port": port = Int(args, ref i, 0, 65535); break;
                case "--bind": address = IPAddress.TryParse(Value(args, ref i), out var a) ? a : throw new CommandLineException("--bind needs an IP address"); break;
                case "--max-peers": maxPeers = Int(args, ref i, 1, 10000); break;
                case "--resume-dir": resume = Value(args, ref i); break;
                case "--seed": seed = true; break;
                case "--status-interval": statusInterval = Int(args, ref i, 100, 3_600_000); break;
                case "--peer":
                    var text = Value(args, ref i);
                    if (!IPEndPoint.TryParse(text, out var ep) || ep.Port == 0) throw new CommandLineException($"--peer '{text}' is not host:port");
                    peers.Add(ep);
                    break;
                default:
                    if (args[i].StartsWith('-')) throw new CommandLineException($"unknown option '{args[i]}'");
                    if (torrent is not null) throw new CommandLineException("download takes one .torrent file");
                    torrent = args[i];
                    break;
            }
        }
        if (torrent is null) throw new CommandLineException("usage: download <file.torrent> [-o dir]");
        return new DownloadArguments(torrent, output, port, address, maxPeers, resume, seed || transfer.HasSeedLimit, peers, statusInterval)
        {
            Transfer = transfer,
        };
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
        if (!int.TryParse(text, out var v) || v < min || v > max) throw new CommandLineException($"{name} must be a number from {min} to {max}");
        return v;
    }
}
