using System.Globalization;
using Engine.Host.Cli;

namespace Engine.Host.Web.Components;

/// <summary>Culture-independent numbers for styles and labels in the views.</summary>
public static class Css
{
    /// <summary>A CSS width: "42.5%".</summary>
    public static string Percent(double fraction) =>
        (Math.Clamp(fraction, 0, 1) * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    /// <summary>A progress label with one decimal, never rounded up to 100 before the end: "99.9 %", "100.0 %".</summary>
    public static string Label(double fraction)
    {
        var tenths = Math.Floor(Math.Clamp(fraction, 0, 1) * 1000) / 10;
        return tenths.ToString("0.0", CultureInfo.InvariantCulture) + " %";
    }

    public static string Fraction(double value) => Math.Clamp(value, 0, 1).ToString("0.###", CultureInfo.InvariantCulture);

    public static string Eta(double? seconds) =>
        seconds is null ? "∞" : seconds == 0 ? "—" : Units.Clock(TimeSpan.FromSeconds(Math.Min(seconds.Value, 359_999)));

    public static string StateClass(string state) => "state-" + state.ToLowerInvariant();
}
