using Engine.Host.Commands;

namespace Engine.Host;

/// <summary>Console host: one verb per sub-command. Every failure is a one-line error and a non-zero exit code.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.Out.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        var rest = args[1..];
        try
        {
            return args[0] switch
            {
                "info" => InfoCommand.Run(rest, Console.Out),
                "create" => CreateCommand.Run(rest, Console.Out),
                "download" => await DownloadCommand.RunAsync(rest, Console.Out),
                "seed" => await SeedCommand.RunAsync(rest, Console.Out),
                "tracker" => await TrackerCommand.RunAsync(rest, Console.Out),
                "web" => await WebCommand.RunAsync(rest, Console.Out),
                "share" => await ShareCommand.RunAsync(rest, Console.Out),
                "fetch" => await FetchCommand.RunAsync(rest, Console.Out),
                _ => Fail($"unknown command '{args[0]}'; run 'Engine.Host --help'"),
            };
        }
        catch (CommandLineException e)
        {
            return Fail(e.Message);
        }
    }

    internal static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return 1;
    }

    public const string Usage = """
        Engine.Host — a BitTorrent engine on Akka.NET

        usage:
          Engine.Host info <file.torrent | magnet-uri>
          Engine.Host create <file-or-dir> --tracker <url> [--tracker <url>...] [--piece-length <bytes>] [--private] [--comment <text>] -o <out.torrent>
          Engine.Host download <file.torrent> [-o <dir>] [--resume-dir <dir>] [--seed [--ratio R] [--seed-time <seconds>]] [--max-upload KiB/s] [--max-download KiB/s] [--peer host:port]... [--port <n>] [--bind <address>] [--max-peers <n>] [--web <port> [--web-bind <address>]]
          Engine.Host seed <file.torrent> --data <dir> [--ratio R] [--seed-time <seconds>] [--max-upload KiB/s] [--peer host:port]... [--port <n>] [--bind <address>] [--max-peers <n>] [--web <port> [--web-bind <address>]]
          Engine.Host web --port <port> [--bind <address>] [--data <dir>] [--peer-port <port>] [--peer-bind <address>]
          Engine.Host tracker [--http <port>] [--udp <port>] [--bind <address>] [--allow <file>] | tracker list|peers <info-hash>|publish <file.torrent> --tracker <url>
          Engine.Host share <dir> --tracker <url> [--tracker <url>...] [--follow] [--port <n>] [--bind <address>]
          Engine.Host fetch <name | info-hash> --tracker <url> --into <dir> [--once] [--port <n>] [--bind <address>]
        """;
}
