using System.CommandLine;
using System.Globalization;
using Engine.Host.Cli;

namespace Engine.Host.Commands;

/// <summary>Rate limits (bytes/s, null for none) and when seeding stops, as <c>download</c>, <c>seed</c>, <c>share</c> and <c>fetch</c> take them.</summary>
public sealed record TransferOptions(long? UploadLimit, long? DownloadLimit, double? Ratio, TimeSpan? SeedTime)
{
    public static TransferOptions Default { get; } = new(null, null, null, null);

    public SeedLimits SeedLimits => new(Ratio, SeedTime);

    /// <summary>True when <c>--ratio</c> or <c>--seed-time</c> was given.</summary>
    public bool HasSeedLimit => Ratio is not null || SeedTime is not null;

    /// <summary>The options themselves, declared once: <c>--max-upload</c>, <c>--max-download</c> (unless <paramref name="download"/> is false), <c>--ratio</c> and <c>--seed-time</c> (when <paramref name="seedLimits"/>).</summary>
    public sealed class Set(bool download, bool seedLimits)
    {
        public Option<long> MaxUpload { get; } = Opt.Rate("--max-upload", "upload limit, all torrents together", "-U");

        public Option<long> MaxDownload { get; } = Opt.Rate("--max-download", "download limit, all torrents together", "-D");

        public Option<double?> Ratio { get; } = new("--ratio")
        {
            Description = "stop seeding once uploaded bytes reach R times the torrent's size",
            HelpName = "R",
            CustomParser = r =>
            {
                var text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && !double.IsInfinity(v)) return v;
                r.AddError($"--ratio: '{text}' is not a positive number (uploaded bytes over the torrent's size)");
                return null;
            },
        };

        public Option<TimeSpan?> SeedTime { get; } = Opt.OptionalDuration("--seed-time", "stop seeding after this long (30m, 2h)", TimeSpan.FromSeconds(1), TimeSpan.FromDays(3650));

        private static long? Limit(long bytesPerSecond) => bytesPerSecond > 0 ? bytesPerSecond : null;

        public void AddTo(Command command)
        {
            command.Options.Add(MaxUpload);
            if (download) command.Options.Add(MaxDownload);
            if (!seedLimits) return;
            command.Options.Add(Ratio);
            command.Options.Add(SeedTime);
        }

        /// <summary>The values given; a limit not given keeps <paramref name="settings"/>' (the config file's).</summary>
        public TransferOptions Read(ParseResult r, HostSettings? settings = null) => new(
            Opt.Given(r, MaxUpload) ? Limit(r.GetValue(MaxUpload)) : settings?.Engine.UploadLimit,
            download ? Opt.Given(r, MaxDownload) ? Limit(r.GetValue(MaxDownload)) : settings?.Engine.DownloadLimit : null,
            seedLimits ? r.GetValue(Ratio) : null,
            seedLimits ? r.GetValue(SeedTime) : null);
    }
}
