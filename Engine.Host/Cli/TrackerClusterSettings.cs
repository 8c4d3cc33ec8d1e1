using System.Globalization;
using System.Net;
using Engine.Host.Commands;
using Microsoft.Extensions.Configuration;

namespace Engine.Host.Cli;

/// <summary>
/// The "TrackerCluster" section of the <c>--config</c> file: a tracker's cluster settings, each the default of its
/// command-line option (<c>Port</c> → <c>--cluster-port</c>, <c>Host</c> → <c>--cluster-host</c>, <c>Seeds</c> (an array of
/// <c>host:port</c>, or one) → <c>--cluster-seed</c>, <c>Secret</c> → <c>--cluster-secret</c>, <c>DownAfter</c> →
/// <c>--down-after</c>). A file keeps the secret out of <c>ps</c> and shell history.
/// </summary>
public sealed record TrackerClusterSettings(int? Port, IPAddress? Host, IReadOnlyList<string> Seeds, string? Secret, TimeSpan? DownAfter)
{
    public const string SectionName = "TrackerCluster";

    /// <summary>The section's settings, or null when the file has none; a malformed value throws <see cref="CommandLineException"/> naming the key.</summary>
    public static TrackerClusterSettings? Read(IConfiguration config, string file)
    {
        var section = config.GetSection(SectionName);
        if (!section.Exists()) return null;
        CommandLineException Bad(string key, string? value, string what) => new($"--config {file}: {SectionName}:{key}: '{value}' is not {what}");
        int? port = null;
        if (section["Port"] is { } p)
            port = int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 65535 ? n : throw Bad("Port", p, "a port");
        IPAddress? host = null;
        if (section["Host"] is { } h) host = IPAddress.TryParse(h, out var a) ? a : throw Bad("Host", h, "an IP address");
        var seeds = ClusterEndpoint.ReadList(section.GetSection("Seeds"), colonInHost: true, seed => Bad("Seeds", seed, "host:port"));
        TimeSpan? down = null;
        if (section["DownAfter"] is { } d)
            down = Units.TryParseDuration(d, out var t) && t >= TimeSpan.FromSeconds(1) && t <= TimeSpan.FromHours(1) ? t : throw Bad("DownAfter", d, "a duration from 1s to 1h");
        return new TrackerClusterSettings(port, host, seeds, section["Secret"] is { Length: > 0 } s ? s : null, down);
    }
}
