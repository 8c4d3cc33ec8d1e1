using System.Globalization;
using System.Text.RegularExpressions;

namespace Engine.Host.Cli;

/// <summary>
/// The units every option of the host shares. Rates are bytes per second with an optional binary suffix
/// (<c>500k</c> = 500 KiB/s, <c>2M</c>, <c>1.5g</c>; <c>KiB</c>, <c>MB</c>, a trailing <c>/s</c> are accepted too; <c>0</c> or
/// <c>none</c>: no limit). Sizes are bytes with the same suffixes (<c>256k</c>). Durations are a number with a unit
/// (<c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>2h</c>, <c>1h30m</c>; a bare number is seconds). The API takes bytes/s too.
/// </summary>
public static partial class Units
{
    /// <summary>A rate in bytes per second, null for "no limit" (<c>0</c>, <c>none</c>, <c>unlimited</c>); false when unreadable.</summary>
    public static bool TryParseRate(string text, out long? bytesPerSecond)
    {
        bytesPerSecond = null;
        var t = text.Trim();
        if (t.Equals("none", StringComparison.OrdinalIgnoreCase) || t.Equals("unlimited", StringComparison.OrdinalIgnoreCase)) return true;
        if (t.EndsWith("/s", StringComparison.OrdinalIgnoreCase)) t = t[..^2];
        if (!TryParseSize(t, out var bytes)) return false;
        if (bytes > 0) bytesPerSecond = bytes;
        return true;
    }

    /// <summary>A size in bytes: a number with an optional binary suffix (k, M, G, T; KiB, MB... all mean powers of 1024).</summary>
    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        var m = SizePattern().Match(text.Trim());
        if (!m.Success) return false;
        if (!double.TryParse(m.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)) return false;
        var multiplier = char.ToLowerInvariant(m.Groups[2].Value.FirstOrDefault()) switch
        {
            'k' => 1024d,
            'm' => 1024d * 1024,
            'g' => 1024d * 1024 * 1024,
            't' => 1024d * 1024 * 1024 * 1024,
            _ => 1d,
        };
        var result = value * multiplier;
        if (result > long.MaxValue / 2 || result != Math.Floor(result)) return false;
        bytes = (long)result;
        return true;
    }

    /// <summary>A duration: <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c>, or several (<c>1h30m</c>); a bare number is seconds.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var t = text.Trim();
        if (double.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            if (seconds > TimeSpan.MaxValue.TotalSeconds / 2) return false;
            duration = TimeSpan.FromSeconds(seconds);
            return true;
        }
        var parts = DurationPattern().Matches(t);
        if (parts.Count == 0 || parts.Sum(p => p.Length) != t.Length) return false;
        var total = 0d;
        foreach (Match p in parts)
        {
            var v = double.Parse(p.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            total += p.Groups[2].Value.ToLowerInvariant() switch
            {
                "ms" => v / 1000,
                "s" => v,
                "m" => v * 60,
                "h" => v * 3600,
                _ => v * 86400,
            };
        }
        if (total > TimeSpan.MaxValue.TotalSeconds / 2) return false;
        duration = TimeSpan.FromSeconds(total);
        return true;
    }

    /// <summary>Bytes as people read them: <c>1.5 MiB</c>.</summary>
    public static string Bytes(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var u = 0;
        while (bytes >= 1024 && u < units.Length - 1) { bytes /= 1024; u++; }
        return u == 0 ? string.Create(CultureInfo.InvariantCulture, $"{bytes:F0} {units[u]}") : string.Create(CultureInfo.InvariantCulture, $"{bytes:F1} {units[u]}");
    }

    /// <summary>A rate in bytes per second: <c>1.5 MiB/s</c>.</summary>
    public static string Rate(double bytesPerSecond) => Bytes(bytesPerSecond) + "/s";

    /// <summary>A rate limit as the options take it back (<c>none</c> for no limit).</summary>
    public static string Limit(long? bytesPerSecond) => bytesPerSecond is { } b ? Rate(b) : "none";

    /// <summary>A duration as <c>mm:ss</c> or <c>h:mm:ss</c>; <c>--:--</c> when unknown.</summary>
    public static string Clock(TimeSpan? t)
    {
        if (t is null) return "--:--";
        var v = t.Value;
        if (v.TotalDays >= 100) return "∞";
        return v.TotalHours >= 1 ? $"{(int)v.TotalHours}:{v.Minutes:D2}:{v.Seconds:D2}" : $"{v.Minutes:D2}:{v.Seconds:D2}";
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*([kKmMgGtT](?:i?[bB])?|[bB])?$")]
    private static partial Regex SizePattern();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|[smhdSMHD])")]
    private static partial Regex DurationPattern();
}
