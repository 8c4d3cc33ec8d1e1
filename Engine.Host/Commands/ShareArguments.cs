using System.CommandLine;
using System.Net;
using Engine.Host.Cli;
using Engine.Sharing;

namespace Engine.Host.Commands;

/// <summary>The parsed command line of <c>share</c> and <c>fetch</c>.</summary>
/// <param name="Target">The directory (share) or the name / info-hash (fetch).</param>
public sealed record ShareArguments(
    string Target,
    string? Into,
    IReadOnlyList<string> Trackers,
    ListenSpec Listen,
    bool Follow,
    bool Once,
    TimeSpan QuietPeriod,
    TimeSpan ScanInterval,
    TimeSpan StatusInterval,
    TransferOptions Transfer,
    HostSettings Settings)
{
    /// <summary><c>--publish-token</c>: the tracker's publish token, for a tracker that does not allow our address.</summary>
    public string? PublishToken { get; init; }

    /// <summary>Parses <c>share</c>'s (or <c>fetch</c>'s) arguments (without running them); a mistake throws <see cref="UsageException"/>.</summary>
    public static ShareArguments Parse(string[] args, bool fetch)
    {
        var d = new Definition(fetch);
        return CliParse.Read(d.Create(), args, d.Read);
    }

    /// <summary>The options of <c>share</c> (<paramref name="fetch"/> false) or <c>fetch</c>, declared once.</summary>
    public sealed class Definition(bool fetch)
    {
        public Argument<string> Target { get; } = fetch
            ? new("name") { Description = "the file's name in the catalog, or its info-hash" }
            : new("dir") { Description = "the directory whose files are shared" };

        public Option<string[]> Trackers { get; } = new("--tracker", "-t")
        {
            Description = "our tracker (http(s) for its catalog, udp too); repeat for more",
            HelpName = "url",
            Required = true,
            CustomParser = r => r.Tokens.Select(t => Tracker(r, t.Value)).ToArray(),
        };

        public Option<string?> Into { get; } = new("--into") { Description = "directory to download into (and share from)", HelpName = "dir", Required = true };

        public Option<bool> Once { get; } = Opt.Flag("--once", "exit as soon as the file is complete instead of sharing on");

        public Option<bool> Follow { get; } = Opt.Flag("--follow", "also fetch everything others publish in the catalog");

        public Option<PortRange> Port { get; } = Opt.Ports("--port", "peer port", "-p");

        public Option<IPAddress> Bind { get; } = Opt.Address("--bind", "address the peer listener binds (one address: peers are dialled from it too)", IPAddress.Any);

        public Option<Duration> QuietPeriod { get; } = Opt.Duration("--quiet-period", "share a file once it has been left unchanged this long",
            ShareDefaults.QuietPeriod, TimeSpan.Zero, TimeSpan.FromHours(1));

        public Option<Duration> ScanInterval { get; } = Opt.Duration("--scan-interval", "rescan the directory this often (besides watching it)",
            ShareDefaults.ScanInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1));

        public Option<Duration> StatusInterval { get; } = Opt.Duration("--status-interval", "how often the download's progress is written",
            ShareDefaults.StatusInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));

        public Option<string?> PublishToken { get; } = Opt.Text("--publish-token", "the tracker's publish token, for a tracker that does not allow our address", "secret");

        public TransferOptions.Set Transfer { get; } = new(download: true, seedLimits: false);

        public Command Create()
        {
            var command = fetch
                ? new Command("fetch", "download a file from our tracker's catalog (it resumes after a restart), then share it") { Target, Trackers, Into, Once }
                : new Command("share", "publish and seed every file of a directory through our tracker, picking up new ones") { Target, Trackers, Follow, QuietPeriod, ScanInterval, PublishToken };
            command.Options.Add(Port);
            command.Options.Add(Bind);
            Transfer.AddTo(command);
            if (fetch) command.Options.Add(StatusInterval);
            command.Validators.Add(r =>
            {
                var trackers = r.GetResult(Trackers)?.Tokens.Select(t => t.Value).ToList() ?? [];
                var malformed = trackers.Any(t => !Uri.TryCreate(t, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https" or "udp"));
                if (trackers.Count > 0 && !malformed && !trackers.Any(t => TrackerCatalogClient.BaseUriFor(t) is not null))
                    r.AddError("give at least one http(s) --tracker: its catalog is where files are published and found");
            });
            return command;
        }

        public ShareArguments Read(ParseResult r, HostSettings settings) => new(
            r.GetValue(Target)!, fetch ? r.GetValue(Into) : null, (r.GetValue(Trackers) ?? []).Select(TrackerCatalogClient.AnnounceUrlFor).ToList(),
            new ListenSpec(r.GetValue(Bind)!, r.GetValue(Port)!), !fetch && r.GetValue(Follow), fetch && r.GetValue(Once),
            fetch ? ShareDefaults.QuietPeriod : r.GetValue(QuietPeriod), fetch ? ShareDefaults.ScanInterval : r.GetValue(ScanInterval),
            fetch ? r.GetValue(StatusInterval) : ShareDefaults.StatusInterval, Transfer.Read(r, settings), settings)
        {
            PublishToken = fetch ? null : r.GetValue(PublishToken),
        };

        /// <summary>The values of the options the other command has.</summary>
        private static class ShareDefaults
        {
            public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(2);
            public static readonly TimeSpan ScanInterval = TimeSpan.FromSeconds(10);
            public static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(2);
        }

        private static string Tracker(System.CommandLine.Parsing.ArgumentResult r, string url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "udp"))
                r.AddError($"--tracker: '{url}' is not an http(s):// or udp:// URL");
            return url;
        }
    }
}
