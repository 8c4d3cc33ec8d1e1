using System.Globalization;
using System.Net;
using Engine.Sharing;

namespace Engine.Host.Commands;

/// <summary>The parsed command line of <c>share</c> and <c>fetch</c>.</summary>
/// <param name="Target">The directory (share) or the name / info-hash (fetch).</param>
public sealed record ShareArguments(
    string Target,
    string? Into,
    IReadOnlyList<string> Trackers,
    int Port,
    IPAddress Bind,
    bool Follow,
    bool Once,
    TimeSpan QuietPeriod,
    TimeSpan ScanInterval,
    TimeSpan StatusInterval,
    TransferOptions Transfer)
{
    /// <summary><c>--publish-token</c>: the tracker's publish token, for a tracker that does not allow our address.</summary>
    public string? PublishToken { get; init; }

    public static ShareArguments Parse(string[] args, bool fetch)
    {
        var usage = fetch ? FetchCommand.Usage : ShareCommand.Usage;
        string? target = null, into = null;
        var trackers = new List<string>();
        var port = 6881;
        var bind = IPAddress.Any;
        bool follow = false, once = false;
        var quiet = TimeSpan.FromSeconds(2);
        var scan = TimeSpan.FromSeconds(10);
        var status = TimeSpan.FromSeconds(2);
        var transfer = TransferOptions.Default;
        string? token = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new CommandLineException($"{arg} needs a value; {usage}");
            if (transfer.TryParse(args, ref i, out var parsed))
            {
                if (parsed.HasSeedLimit) throw new CommandLineException($"{arg} does not apply here: a share seeds until stopped");
                transfer = parsed;
                continue;
            }
            switch (arg)
            {
                case "--tracker" or "-t": trackers.Add(Tracker(Value())); break;
                case "--into" when fetch: into = Value(); break;
                case "--once" when fetch: once = true; break;
                case "--follow" when !fetch: follow = true; break;
                case "--port": port = CommandArgs.Port(Value(), arg); break;
                case "--bind": bind = CommandArgs.Address(Value(), arg); break;
                case "--quiet" when !fetch: quiet = Seconds(Value(), arg, 0, 3600); break;
                case "--scan-interval" when !fetch: scan = Seconds(Value(), arg, 0.1, 86400); break;
                case "--status-interval": status = Seconds(Value(), arg, 0.1, 3600); break;
                case "--publish-token" when !fetch: token = Value(); break;
                default:
                    if (arg.StartsWith('-') && arg.Length > 1) throw new CommandLineException($"unknown option '{arg}'; {usage}");
                    if (target is not null) throw new CommandLineException($"{(fetch ? "fetch takes one name or info-hash" : "share takes one directory")}; {usage}");
                    target = arg;
                    break;
            }
        }
        if (target is null) throw new CommandLineException($"{(fetch ? "fetch needs a name or an info-hash" : "share needs a directory")}; {usage}");
        if (trackers.Count == 0) throw new CommandLineException($"{(fetch ? "fetch" : "share")} needs --tracker <url>; {usage}");
        if (fetch && into is null) throw new CommandLineException($"fetch needs --into <dir>; {usage}");
        if (!trackers.Any(t => TrackerCatalogClient.BaseUriFor(t) is not null))
            throw new CommandLineException("give at least one http(s) --tracker: its catalog is where files are published and found");
        return new ShareArguments(target, into, trackers, port, bind, follow, once, quiet, scan, status, transfer) { PublishToken = token };
    }

    private static string Tracker(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "udp"))
            throw new CommandLineException($"--tracker: '{url}' is not an http(s):// or udp:// URL");
        return TrackerCatalogClient.AnnounceUrlFor(url);
    }

    private static TimeSpan Seconds(string text, string option, double min, double max) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= min && s <= max
            ? TimeSpan.FromSeconds(s)
            : throw new CommandLineException($"{option}: '{text}' is not a number of seconds from {min} to {max}");
}
