using System.Globalization;
using Engine.Core.Primitives;

namespace Engine.Bench.Leech;

/// <summary>Command line of the leech benchmark.</summary>
public sealed record BenchOptions
{
    public const long MiB = 1024 * 1024;
    public const long GiB = 1024 * MiB;

    /// <summary>Payload of cases 1 and 2 (case 4 uses <see cref="LargeSize"/>).</summary>
    public long Size { get; init; } = GiB;

    /// <summary>Payload of case 4 (default 4 × <see cref="Size"/>).</summary>
    public long? LargeSizeOverride { get; init; }

    public long LargeSize => LargeSizeOverride ?? 4 * Size;

    public int PieceLength { get; init; } = (int)MiB;

    /// <summary>Files of the multi-file data set of case 1.</summary>
    public int Files { get; init; } = 100;

    /// <summary>Seeders of case 2.</summary>
    public int Seeders { get; init; } = 8;

    public IReadOnlySet<int> Cases { get; init; } = new HashSet<int> { 1, 2, 4 };

    public IReadOnlyList<string> Clients { get; init; } = [ClientNames.Ours, ClientNames.Libtorrent, ClientNames.Aria2, ClientNames.Transmission];

    /// <summary>Runs of each client per case; figures are those of the median run (by wall time).</summary>
    public int Repeat { get; init; } = 1;

    public string? EngineHostDll { get; init; }

    /// <summary>Print every output line of the measured clients, with the time since their start.</summary>
    public bool Verbose { get; init; }

    /// <summary>
    /// Pin the seeders to CPU 0 and the measured leecher to CPU 1 (taskset), so that on a 2-core machine the pair does
    /// not fight over both cores and runs repeat within a few percent (issue 20).
    /// </summary>
    public bool Pin { get; init; }

    /// <summary>
    /// Whose seeders the leechers download from: libtorrent's (the default), or ours, which seeds at about a quarter of
    /// libtorrent's CPU per byte, so that on a pinned pair the leecher rather than the seeder bounds the transfer.
    /// </summary>
    public string Seeder { get; init; } = SeederNames.Libtorrent;

    /// <summary>Markdown report file (the table and the targets), written at the end.</summary>
    public string? ReportPath { get; init; }

    public static string Usage => """
        Engine.Bench.Leech [--quick] [--size 1GiB] [--large-size 4GiB] [--piece-length 1MiB] [--files 100] [--seeders 8]
                           [--cases 1,2,4] [--clients ours,ours-rc4,ours-utp,libtorrent,libtorrent-utp,aria2c,transmission] [--repeat 1]
                           [--engine-host path/to/Engine.Host.dll] [--seeder libtorrent|ours] [--report out.md] [--verbose] [--pin]
          --quick   256 MiB (case 4: 1 GiB); sizes take KiB/MiB/GiB suffixes
        """;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--quick" => o with { Size = 256 * MiB },
                "--size" => o with { Size = ParseSize(Next()) },
                "--large-size" => o with { LargeSizeOverride = ParseSize(Next()) },
                "--piece-length" => o with { PieceLength = checked((int)ParseSize(Next())) },
                "--files" => o with { Files = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--seeders" => o with { Seeders = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--cases" => o with { Cases = Next().Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToHashSet() },
                "--clients" => o with { Clients = Next().Split(',').Select(ClientNames.Check).ToList() },
                "--repeat" => o with { Repeat = Math.Max(1, int.Parse(Next(), CultureInfo.InvariantCulture)) },
                "--engine-host" => o with { EngineHostDll = Path.GetFullPath(Next()) },
                "--verbose" => o with { Verbose = true },
                "--pin" => o with { Pin = true },
                "--seeder" => o with { Seeder = SeederNames.Check(Next()) },
                "--report" => o with { ReportPath = Path.GetFullPath(Next()) },
                _ => throw new ArgumentException($"unknown argument '{args[i]}'"),
            };
        }
        if (o.Size < 16 * MiB) throw new ArgumentException("--size must be at least 16 MiB");
        if (o.Cases.Any(c => c is not (1 or 2 or 4))) throw new ArgumentException("--cases takes 1, 2 and 4 (case 3 is bench/Seeding, case 5 bench/Idle; bench/run.sh runs them all)");
        if (o.Seeder == SeederNames.Ours && o.Clients.Contains(ClientNames.Transmission))
            throw new ArgumentException("--seeder ours cannot serve transmission: transmission never dials loopback peers and our seed command cannot be told to dial it (leave transmission out of --clients)");
        return o;
    }

    public static long ParseSize(string text)
    {
        var t = text.Trim();
        long unit = 1;
        foreach (var (suffix, factor) in new[] { ("GiB", GiB), ("MiB", MiB), ("KiB", 1024L), ("G", GiB), ("M", MiB), ("K", 1024L) })
        {
            if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) { unit = factor; t = t[..^suffix.Length]; break; }
        }
        return checked((long)(double.Parse(t, CultureInfo.InvariantCulture) * unit));
    }
}

/// <summary>The leechers the benchmark knows.</summary>
public static class ClientNames
{
    public const string Ours = "ours";

    /// <summary>Ours with message stream encryption required (RC4 both ways; the libtorrent seeders accept it).</summary>
    public const string OursRc4 = "ours-rc4";
    public const string OursUtp = "ours-utp";
    public const string LibtorrentUtp = "libtorrent-utp";
    public const string Libtorrent = "libtorrent";
    public const string Aria2 = "aria2c";
    public const string Transmission = "transmission";

    public static string Check(string name) => name switch
    {
        Ours or OursRc4 or OursUtp or Libtorrent or LibtorrentUtp or Aria2 or Transmission => name,
        _ => throw new ArgumentException($"unknown client '{name}' (ours, ours-rc4, ours-utp, libtorrent, libtorrent-utp, aria2c, transmission)"),
    };
}

/// <summary>The seeders the benchmark can start.</summary>
public static class SeederNames
{
    public const string Libtorrent = "libtorrent";
    public const string Ours = "ours";

    public static string Check(string name) => name is Libtorrent or Ours
        ? name
        : throw new ArgumentException($"unknown seeder '{name}' (libtorrent, ours)");
}
