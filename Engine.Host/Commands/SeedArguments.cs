namespace Engine.Host.Commands;

/// <summary>The parsed command line of <c>seed</c>.</summary>
public sealed record SeedArguments(string TorrentPath, string DataDirectory, SessionArguments Session)
{
    public const string Usage = "seed <file.torrent> --data <dir> " + SessionArguments.Usage;

    /// <summary>The upload limit and when seeding stops.</summary>
    public TransferOptions Transfer => Session.Transfer;

    public static SeedArguments Parse(string[] args)
    {
        string? torrent = null;
        string? data = null;
        var session = SessionArguments.Default;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--max-download") throw new CommandLineException("seed does not download: --max-download does not apply");
            if (session.TryParse(args, ref i, out var parsed))
            {
                session = parsed;
                continue;
            }
            switch (args[i])
            {
                case "--data" or "-d": data = CommandArgs.Value(args, ref i); break;
                default: torrent = CommandArgs.Positional(args[i], torrent, "seed takes one .torrent file", Usage); break;
            }
        }
        if (torrent is null) throw new CommandLineException($"usage: {Usage}");
        if (data is null) throw new CommandLineException($"seed needs --data <dir>, the directory holding the torrent's files; usage: {Usage}");
        return new SeedArguments(torrent, data, session.Validate());
    }
}
