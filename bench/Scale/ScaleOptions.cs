using System.Globalization;

namespace Engine.Bench.Scale;

/// <summary>The scale benchmark's command line.</summary>
public sealed record ScaleOptions
{
    public const string Usage =
        "usage: Engine.Bench.Scale [--torrents 20] [--peers 25] [--sessions-per-process 5] [--size-mib 128] [--piece-kib 256]\n" +
        "                          [--direction down|up|both] [--up-seconds 40] [--interval-ms 250] [--timeout 600] [--pin] [--pool-root]\n" +
        "                          [--report out.md] [--keep]";

    public int Torrents { get; init; } = 20;
    public int PeersPerTorrent { get; init; } = 25;
    public int SessionsPerProcess { get; init; } = 5;
    public int SizeMiB { get; init; } = 128;
    public int PieceKiB { get; init; } = 256;
    public bool Down { get; init; } = true;
    public bool Up { get; init; } = true;
    public int UpSeconds { get; init; } = 40;
    public int IntervalMs { get; init; } = 250;
    public int TimeoutSeconds { get; init; } = 600;
    public bool Pin { get; init; }
    /// <summary>The engine's root actor on the thread pool, as before its own thread (to compare, see <see cref="Program"/>).</summary>
    public bool PoolRoot { get; init; }
    public string? ReportPath { get; init; }
    public bool Keep { get; init; }

    public int Processes => (PeersPerTorrent + SessionsPerProcess - 1) / SessionsPerProcess;

    public static ScaleOptions Parse(string[] args)
    {
        var o = new ScaleOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            o = args[i] switch
            {
                "--torrents" => o with { Torrents = Int() },
                "--peers" => o with { PeersPerTorrent = Int() },
                "--sessions-per-process" => o with { SessionsPerProcess = Int() },
                "--size-mib" => o with { SizeMiB = Int() },
                "--piece-kib" => o with { PieceKiB = Int() },
                "--direction" => Next() switch
                {
                    "down" => o with { Down = true, Up = false },
                    "up" => o with { Down = false, Up = true },
                    "both" => o with { Down = true, Up = true },
                    var d => throw new ArgumentException($"--direction takes down, up or both, not '{d}'"),
                },
                "--up-seconds" => o with { UpSeconds = Int() },
                "--interval-ms" => o with { IntervalMs = Int() },
                "--timeout" => o with { TimeoutSeconds = Int() },
                "--pin" => o with { Pin = true },
                "--pool-root" => o with { PoolRoot = true },
                "--report" => o with { ReportPath = Path.GetFullPath(Next()) },
                "--keep" => o with { Keep = true },
                _ => throw new ArgumentException($"unknown argument '{args[i]}'"),
            };
        }
        if (o.Torrents < 1 || o.PeersPerTorrent < 1 || o.SessionsPerProcess < 1 || o.SizeMiB < 1 || o.UpSeconds < 1 || o.IntervalMs < 10)
            throw new ArgumentException("--torrents, --peers, --sessions-per-process, --size-mib, --up-seconds ≥ 1, --interval-ms ≥ 10");
        if (o.PieceKiB < 32 || (o.PieceKiB & (o.PieceKiB - 1)) != 0) throw new ArgumentException("--piece-kib: a power of two ≥ 32 (mktorrent)");
        return o;
    }
}
