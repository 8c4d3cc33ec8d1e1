using System.Globalization;

namespace Engine.Bench.Leech;

internal static class Format
{
    public static string Size(long bytes) => bytes switch
    {
        >= BenchOptions.GiB when bytes % BenchOptions.GiB == 0 => $"{bytes / BenchOptions.GiB} GiB",
        >= BenchOptions.MiB when bytes % BenchOptions.MiB == 0 => $"{bytes / BenchOptions.MiB} MiB",
        _ => $"{bytes} B",
    };

    public static string F(double v, int digits = 1) => v.ToString("F" + digits, CultureInfo.InvariantCulture);
}
