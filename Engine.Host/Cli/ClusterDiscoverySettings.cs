using System.Globalization;
using Engine.Host.Commands;
using Microsoft.Extensions.Configuration;

namespace Engine.Host.Cli;

/// <summary>
/// The "ClusterDiscovery" section of the <c>--config</c> file, read by <c>node</c> and <c>tracker</c>: <c>Method</c>
/// (→ <c>--cluster-discovery</c>), <c>Service</c> (→ <c>--cluster-service</c>), <c>Timeout</c> (→
/// <c>--cluster-discovery-timeout</c>), <c>Endpoints</c> (config discovery's list of the service's cluster endpoints,
/// <c>host:port</c>, an array or one) and <c>RequiredContacts</c>.
/// </summary>
public sealed record ClusterDiscoverySettings(string? Method, string? Service, IReadOnlyList<string> Endpoints, int? RequiredContacts, TimeSpan? Timeout)
{
    public const string SectionName = "ClusterDiscovery";

    /// <summary>The section's settings, or null when the file has none; a malformed value throws <see cref="CommandLineException"/> naming the key.</summary>
    public static ClusterDiscoverySettings? Read(IConfiguration config, string file)
    {
        var section = config.GetSection(SectionName);
        if (!section.Exists()) return null;
        CommandLineException Bad(string key, string? value, string what) => new($"--config {file}: {SectionName}:{key}: '{value}' is not {what}");
        var endpoints = ClusterEndpoint.ReadList(section.GetSection("Endpoints"), colonInHost: false, e => Bad("Endpoints", e, "host:port (an IPv4 address or a name)"));
        int? required = null;
        if (section["RequiredContacts"] is { } r)
            required = int.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 1000 ? n : throw Bad("RequiredContacts", r, "a whole number from 1 to 1000");
        TimeSpan? timeout = null;
        if (section["Timeout"] is { } t)
            timeout = Units.TryParseDuration(t, out var d) && d >= TimeSpan.FromSeconds(1) && d <= TimeSpan.FromDays(1) ? d : throw Bad("Timeout", t, "a duration from 1s to 1d");
        return new ClusterDiscoverySettings(section["Method"] is { Length: > 0 } m ? m : null, section["Service"] is { Length: > 0 } s ? s : null, endpoints, required, timeout);
    }
}
