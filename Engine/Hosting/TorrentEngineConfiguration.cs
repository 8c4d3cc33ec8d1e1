using System.Globalization;
using System.Net;
using Engine.Api;
using Microsoft.Extensions.Configuration;

namespace Engine.Hosting;

/// <summary>
/// Reads <see cref="TorrentEngineOptions"/> from configuration (section "TorrentEngine" by convention). Keys:
/// <c>ListenOn</c> ("0.0.0.0:6881", "[::]:6881", "127.0.0.1:0"; "none" for no listener), <c>StateDirectory</c>,
/// <c>MaxConnectionsPerTorrent</c>, <c>MaxConnections</c>, <c>UploadLimit</c> and <c>DownloadLimit</c> (bytes/s),
/// <c>DiskBudgetBytes</c>, <c>Session</c> (true/false), <c>SessionDirectory</c>, <c>Dht</c>, <c>Pex</c>, <c>Lsd</c> (true/false),
/// <c>DhtBootstrapNodes</c> (an array of "host:port"), <c>Encryption</c> (disabled, enabled, preferred, required), <c>Utp</c> (disabled, enabled, preferred, only), <c>PortMapping</c> (true/false). A missing key keeps the default; a malformed one is an <see cref="InvalidEngineOptionsException"/>
/// naming the key and the value.
/// </summary>
internal static class TorrentEngineConfiguration
{
    public static TorrentEngineOptions Read(IConfiguration section, TorrentEngineOptions? defaults = null)
    {
        var o = defaults ?? new TorrentEngineOptions();
        if (section["ListenOn"] is { } listen) o = o with { ListenOn = ParseEndPoint(listen, Key(section, "ListenOn")) };
        if (section["StateDirectory"] is { Length: > 0 } state) o = o with { StateDirectory = state };
        if (Int(section, "MaxConnectionsPerTorrent") is { } perTorrent) o = o with { MaxConnectionsPerTorrent = perTorrent };
        if (Int(section, "MaxConnections") is { } max) o = o with { MaxConnections = max };
        if (section["UploadLimit"] is not null) o = o with { UploadLimit = Limit(section, "UploadLimit") };
        if (section["DownloadLimit"] is not null) o = o with { DownloadLimit = Limit(section, "DownloadLimit") };
        if (Long(section, "DiskBudgetBytes") is { } disk) o = o with { DiskBudgetBytes = disk };
        if (Bool(section, "Session") is { } session) o = o with { Session = session };
        if (Bool(section, "Dht") is { } dht) o = o with { Dht = dht };
        if (Bool(section, "Pex") is { } pex) o = o with { Pex = pex };
        if (Bool(section, "Lsd") is { } lsd) o = o with { Lsd = lsd };
        if (Bool(section, "WebSeeds") is { } webSeeds) o = o with { WebSeeds = webSeeds };
        if (Bool(section, "PortMapping") is { } mapping) o = o with { PortMapping = mapping };
        if (Mode<EncryptionMode>(section, "Encryption", "disabled, enabled, preferred or required") is { } encryption) o = o with { Encryption = encryption };
        if (Mode<UtpMode>(section, "Utp", "disabled, enabled, preferred or only") is { } utp) o = o with { Utp = utp };
        if (section.GetSection("DhtBootstrapNodes") is { } nodes && nodes.Exists())
            o = o with { DhtBootstrapNodes = nodes.Value is { } one ? [one] : nodes.GetChildren().Select(c => c.Value ?? "").ToArray() };
        if (section["SessionDirectory"] is { Length: > 0 } sessionDirectory) o = o with { SessionDirectory = sessionDirectory };
        o.Validate();
        return o;
    }

    /// <summary>One of <typeparamref name="T"/>'s names (any case), null when the key is absent; anything else names <paramref name="allowed"/>.</summary>
    private static T? Mode<T>(IConfiguration section, string key, string allowed) where T : struct, Enum => section[key] is not { } text ? null
        : Enum.TryParse<T>(text.Trim(), ignoreCase: true, out var mode) && Enum.IsDefined(mode) ? mode
        : throw new InvalidEngineOptionsException($"{Key(section, key)}: '{text}' is not {allowed}");

    private static string Key(IConfiguration section, string key) => section is IConfigurationSection s ? s.Path + ":" + key : key;

    /// <summary>"host:port" or "[v6]:port" with an IP address; "none" or empty for no listener.</summary>
    public static IPEndPoint? ParseEndPoint(string text, string key = "ListenOn")
    {
        text = text.Trim();
        if (text.Length == 0 || text.Equals("none", StringComparison.OrdinalIgnoreCase)) return null;
        if (IPEndPoint.TryParse(text, out var ep) && text.Contains(':') && (text.IndexOf(':') == text.LastIndexOf(':') || text.StartsWith('[')))
            return ep;
        throw new InvalidEngineOptionsException($"{key}: '{text}' is not address:port (e.g. 0.0.0.0:6881, [::]:6881) or 'none'");
    }

    private static bool? Bool(IConfiguration section, string key) => section[key] is not { } text ? null
        : bool.TryParse(text.Trim(), out var on) ? on : throw new InvalidEngineOptionsException($"{Key(section, key)}: '{text}' is not true or false");

    private static int? Int(IConfiguration section, string key)
    {
        var v = Long(section, key);
        if (v is < int.MinValue or > int.MaxValue) throw new InvalidEngineOptionsException($"{Key(section, key)}: {v} is too large");
        return (int?)v;
    }

    private static long? Long(IConfiguration section, string key)
    {
        var text = section[key];
        if (text is null) return null;
        if (!long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            throw new InvalidEngineOptionsException($"{Key(section, key)}: '{text}' is not a whole number");
        return value;
    }

    /// <summary>A positive number of bytes per second, or empty / "none" / 0 for no limit.</summary>
    private static long? Limit(IConfiguration section, string key)
    {
        var text = section[key]!.Trim();
        if (text.Length == 0 || text.Equals("none", StringComparison.OrdinalIgnoreCase)) return null;
        var value = Long(section, key)!.Value;
        return value == 0 ? null : value;
    }
}
