using System.Collections.Immutable;

namespace Engine.Host.Web.Ui;

/// <summary>
/// The engine-wide settings the page shows and changes: rate limits (bytes/s, null: none), the default save directory,
/// where peers reach us (changed only by a restart), and the on/off engine features — the DHT, PEX and LSD so far — as the
/// engine was started (changed by a restart with <c>--no-dht</c>, <c>--no-pex</c>, <c>--no-lsd</c> or the config file).
/// </summary>
public sealed record EngineSettings(long? UploadLimit, long? DownloadLimit, string DefaultSaveDirectory, string? ListenEndPoint, ImmutableList<SettingSwitch> Switches);

/// <summary>An on/off engine feature shown on the settings panel.</summary>
public sealed record SettingSwitch(string Name, string Label, bool On);

/// <summary>The settings panel's fields as typed (rates in the console's units: <c>500k</c>, <c>2M</c>, empty or 0 for none).</summary>
public sealed record SettingsForm(string Upload, string Download, string SaveDirectory, EngineSettings? Current, bool Busy = false, string? Error = null)
{
    public static SettingsForm From(EngineSettings s) => new(Rates.Text(s.UploadLimit), Rates.Text(s.DownloadLimit), s.DefaultSaveDirectory, s);
}

/// <summary>The selected torrent's own limits as typed.</summary>
public sealed record LimitsForm(string Hash, string Upload, string Download, string? Error = null);

/// <summary>The list's sort keys.</summary>
public enum SortColumn
{
    Added,
    Name,
    Size,
    Progress,
    State,
    Down,
    Up,
    Peers,
    Eta,
}

/// <summary>Total rates at one poll, for the rate graph.</summary>
public sealed record RateSample(double Down, double Up);

/// <summary>Rates as the forms take and show them.</summary>
public static class Rates
{
    /// <summary>A limit as a form field shows it: <c>1.5M</c>-like text, empty for none.</summary>
    public static string Text(long? bytesPerSecond)
    {
        if (bytesPerSecond is not { } b) return "";
        if (b % (1024 * 1024) == 0) return (b / (1024 * 1024)) + "M";
        if (b % 1024 == 0) return (b / 1024) + "k";
        return b.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A typed limit: empty, 0 or "none" is no limit; null with an error when unreadable.</summary>
    public static (bool Ok, long? Value) Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return (true, null);
        return Cli.Units.TryParseRate(text, out var v) ? (true, v) : (false, null);
    }
}
