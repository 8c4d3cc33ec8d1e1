using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Engine.Host.Cli;

/// <summary>A cluster endpoint in a config file: <c>host:port</c> (a seed, or a discovery endpoint).</summary>
public static class ClusterEndpoint
{
    /// <summary>Whether <paramref name="text"/> is <c>host:port</c>, the port 1-65535; <paramref name="colonInHost"/>: whether the host may hold colons (an IPv6 address).</summary>
    public static bool IsValid(string text, bool colonInHost = true)
    {
        var colon = text.LastIndexOf(':');
        return colon > 0 && (colonInHost || text.IndexOf(':') == colon)
            && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535;
    }

    /// <summary>A config key holding <c>host:port</c> endpoints, an array or one; the first malformed one throws what <paramref name="bad"/> makes of it.</summary>
    public static IReadOnlyList<string> ReadList(IConfigurationSection section, bool colonInHost, Func<string, Exception> bad)
    {
        IReadOnlyList<string> list = section.Value is { } one ? [one] : section.GetChildren().Select(c => c.Value ?? "").ToArray();
        foreach (var endpoint in list)
            if (!IsValid(endpoint, colonInHost)) throw bad(endpoint);
        return list;
    }
}
