using System.Globalization;

namespace Engine.Host.Commands;

/// <summary>The options <c>download</c> and <c>seed</c> share: rate limits and when to stop seeding.</summary>
public sealed record TransferOptions(long MaxUploadKiB, long MaxDownloadKiB, double? Ratio, int? SeedTimeSeconds)
{
    public static TransferOptions Default { get; } = new(0, 0, null, null);

    /// <summary><c>--max-upload</c> in bytes per second, null for none (as <see cref="Engine.Api.TorrentEngineOptions.UploadLimit"/> takes it).</summary>
    public long? UploadLimit => MaxUploadKiB == 0 ? null : MaxUploadKiB * 1024;

    /// <summary><c>--max-download</c> in bytes per second, null for none.</summary>
    public long? DownloadLimit => MaxDownloadKiB == 0 ? null : MaxDownloadKiB * 1024;

    public SeedLimits SeedLimits => new(Ratio, SeedTimeSeconds is { } s ? TimeSpan.FromSeconds(s) : null);

    /// <summary>True when <c>--ratio</c> or <c>--seed-time</c> was given.</summary>
    public bool HasSeedLimit => Ratio is not null || SeedTimeSeconds is not null;

    /// <summary>Consumes <c>args[i]</c> (and its value) when it is one of these options; false otherwise.</summary>
    public bool TryParse(string[] args, ref int i, out TransferOptions parsed)
    {
        parsed = this;
        switch (args[i])
        {
            case "--max-upload": parsed = this with { MaxUploadKiB = KiB(args, ref i) }; return true;
            case "--max-download": parsed = this with { MaxDownloadKiB = KiB(args, ref i) }; return true;
            case "--ratio":
                {
                    var name = args[i];
                    var text = CommandArgs.Value(args, ref i);
                    if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) || r <= 0 || double.IsInfinity(r))
                        throw new CommandLineException($"{name} must be a positive number (uploaded bytes over the torrent's size), got '{text}'");
                    parsed = this with { Ratio = r };
                    return true;
                }
            case "--seed-time":
                {
                    var name = args[i];
                    var text = CommandArgs.Value(args, ref i);
                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var s) || s < 1)
                        throw new CommandLineException($"{name} must be a whole number of seconds, at least 1, got '{text}'");
                    parsed = this with { SeedTimeSeconds = s };
                    return true;
                }
            default: return false;
        }
    }

    private static long KiB(string[] args, ref int i)
    {
        var name = args[i];
        var text = CommandArgs.Value(args, ref i);
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v > 16L * 1024 * 1024)
            throw new CommandLineException($"{name} must be a number of KiB/s from 0 (unlimited) to {16 * 1024 * 1024}, got '{text}'");
        return v;
    }
}
