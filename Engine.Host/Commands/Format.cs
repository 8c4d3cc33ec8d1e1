namespace Engine.Host.Commands;

/// <summary>Human-readable sizes, rates and durations for the console.</summary>
public static class Format
{
    public static string Bytes(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var u = 0;
        while (bytes >= 1024 && u < units.Length - 1) { bytes /= 1024; u++; }
        return u == 0 ? $"{bytes:F0} {units[u]}" : $"{bytes:F1} {units[u]}";
    }

    public static string Rate(double bytesPerSecond) => Bytes(bytesPerSecond) + "/s";

    public static string Duration(TimeSpan? t)
    {
        if (t is null) return "--:--";
        var v = t.Value;
        return v.TotalHours >= 1 ? $"{(int)v.TotalHours}:{v.Minutes:D2}:{v.Seconds:D2}" : $"{v.Minutes:D2}:{v.Seconds:D2}";
    }
}
