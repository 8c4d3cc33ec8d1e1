using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;

namespace Engine.Host.Cli;

/// <summary>
/// Options declared once, with their description, default and unit (see <see cref="Units"/>): every command that
/// has a rate, a duration, a port or an address reads it the same way and reports a bad value the same way.
/// </summary>
public static class Opt
{
    /// <summary>A rate limit in bytes/s (<c>500k</c>, <c>2M</c>); 0 for no limit (<c>0</c>, <c>none</c>), and when not given.</summary>
    public static Option<long> Rate(string name, string description, params string[] aliases) => new(name, aliases)
    {
        Description = description + " (bytes/s: 500k, 2M; 0 for none)",
        HelpName = "rate",
        CustomParser = r => Parse(r, name, (string t, out long v) =>
        {
            var ok = Units.TryParseRate(t, out var rate);
            v = rate ?? 0;
            return ok;
        }, "a rate (bytes/s, e.g. 500k or 2M; 0 for none)"),
    };

    /// <summary>A duration (<c>30s</c>, <c>5m</c>, <c>1h</c>; a bare number is seconds) from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<Duration> Duration(string name, string description, TimeSpan @default, TimeSpan min, TimeSpan max) => new(name)
    {
        Description = description,
        HelpName = "duration",
        DefaultValueFactory = _ => new Duration(@default),
        CustomParser = r => new Duration(ParseDuration(r, name, min, max) ?? @default),
    };

    /// <summary>Like <see cref="Duration"/> but with no default (null when not given).</summary>
    public static Option<TimeSpan?> OptionalDuration(string name, string description, TimeSpan min, TimeSpan max) => new(name)
    {
        Description = description,
        HelpName = "duration",
        CustomParser = r => ParseDuration(r, name, min, max),
    };

    /// <summary>A TCP/UDP port, 0 to 65535 (0 picks a free one).</summary>
    public static Option<int> Port(string name, string description, int @default, params string[] aliases) => new(name, aliases)
    {
        Description = description,
        HelpName = "port",
        DefaultValueFactory = _ => @default,
        CustomParser = r => Parse(r, name, (string t, out int v) => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out v) && v <= 65535,
            "a port (0-65535; 0 picks a free one)"),
    };

    /// <summary>Like <see cref="Port"/> but with no default (null when not given).</summary>
    public static Option<int?> OptionalPort(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "port",
        CustomParser = r => Parse(r, name, (string t, out int? v) =>
        {
            var ok = int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= 65535;
            v = ok ? p : null;
            return ok;
        }, "a port (0-65535; 0 picks a free one)"),
    };

    /// <summary>The peer port: one port, a range (the first free one is used) or 0 for any.</summary>
    public static Option<PortRange> Ports(string name, string description, params string[] aliases) => new(name, aliases)
    {
        Description = description + " (a port, a range such as 6881-6999: the first free one, or 0: any free port)",
        HelpName = "port[-port]",
        DefaultValueFactory = _ => PortRange.Default,
        CustomParser = r => Parse(r, name, (string t, out PortRange v) => PortRange.TryParse(t, out v), "a port or a range of ports (6881, 6881-6999, 0 for any)")
            ?? PortRange.Default,
    };

    /// <summary>An IP address.</summary>
    public static Option<IPAddress> Address(string name, string description, IPAddress @default) => new(name)
    {
        Description = description,
        HelpName = "address",
        DefaultValueFactory = _ => @default,
        CustomParser = r => Parse(r, name, (string t, out IPAddress v) => IPAddress.TryParse(t, out v!), "an IP address") ?? @default,
    };

    /// <summary>Like <see cref="Address"/> but with no default (null when not given).</summary>
    public static Option<IPAddress?> OptionalAddress(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "address",
        CustomParser = r => Parse(r, name, (string t, out IPAddress? v) => IPAddress.TryParse(t, out v), "an IP address"),
    };

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int> Int(string name, string description, int @default, int min, int max) => new(name)
    {
        Description = description,
        HelpName = "n",
        DefaultValueFactory = _ => @default,
        CustomParser = r => Parse(r, name, (string t, out int v) => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out v) && v >= min && v <= max,
            $"a whole number from {min} to {max}"),
    };

    /// <summary>Peers to dial, <c>host:port</c>, the option repeated.</summary>
    /// <summary><c>--cluster-seed host:port</c>, repeatable (the <c>node</c> and <c>tracker</c> commands' seeds).</summary>
    public static Option<string[]> ClusterSeeds(string description) => new("--cluster-seed")
    {
        Description = description,
        HelpName = "host:port",
        AllowMultipleArgumentsPerToken = false,
        DefaultValueFactory = _ => [],
    };

    /// <summary><c>--down-after</c>: how long an unreachable cluster node stays before keep-majority downs it.</summary>
    public static Option<Duration> DownAfter() => Duration("--down-after",
        "how long an unreachable node stays before the split-brain resolver (keep-majority) downs it",
        TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));

    public static Option<IPEndPoint[]> Peers() => new("--peer")
    {
        Description = "also dial this peer (address:port); repeat for more",
        HelpName = "address:port",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
        DefaultValueFactory = _ => [],
        CustomParser = r =>
        {
            var peers = new List<IPEndPoint>();
            foreach (var token in r.Tokens)
            {
                if (IPEndPoint.TryParse(token.Value, out var peer) && peer.Port != 0) peers.Add(peer);
                else r.AddError($"--peer: '{token.Value}' is not address:port");
            }
            return [.. peers];
        },
    };

    /// <summary>A plain string option.</summary>
    public static Option<string?> Text(string name, string description, string helpName, params string[] aliases) => new(name, aliases)
    {
        Description = description,
        HelpName = helpName,
    };

    /// <summary>The environment variable a web UI password may come from instead of the command line (which other users can see in <c>ps</c>).</summary>
    public const string PasswordVariable = "ENGINE_HOST_WEB_PASSWORD";

    /// <summary>A web UI password option (its value is never shown in the help).</summary>
    public static Option<string?> Password(string name) => new(name)
    {
        Description = $"require this password in the web UI and the REST API (or set {PasswordVariable}); required when it listens beyond 127.0.0.1",
        HelpName = "password",
    };

    /// <summary>The password given, else the environment's, else null.</summary>
    public static string? PasswordOf(ParseResult r, Option<string?> option) =>
        r.GetValue(option) is { Length: > 0 } given ? given
        : Environment.GetEnvironmentVariable(PasswordVariable) is { Length: > 0 } env ? env
        : null;

    /// <summary>Refuses a web UI that listens beyond loopback without a password.</summary>
    public static void RequirePasswordBeyondLoopback(System.Net.IPAddress bind, string? password, string bindOption, string passwordOption)
    {
        if (password is null && !System.Net.IPAddress.IsLoopback(bind))
            throw new Commands.UsageException($"{bindOption} {bind} makes the web UI reachable from other machines: give {passwordOption} <password> (or set {PasswordVariable})");
    }

    /// <summary>A flag.</summary>
    public static Option<bool> Flag(string name, string description, params string[] aliases) => new(name, aliases) { Description = description };

    /// <summary>True when <paramref name="option"/> was written on the command line (not just defaulted).</summary>
    public static bool Given(ParseResult result, Option option) => Given(result.GetResult(option));

    /// <summary>True when the option's result is from the command line (not a default).</summary>
    public static bool Given(OptionResult? result) => result is { Implicit: false };

    private delegate bool TryParse<T>(string text, out T value);

    private static T? Parse<T>(ArgumentResult r, string name, TryParse<T> parse, string what)
    {
        var text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
        if (parse(text, out var value)) return value;
        r.AddError($"{name}: '{text}' is not {what}");
        return default;
    }

    private static TimeSpan? ParseDuration(ArgumentResult r, string name, TimeSpan min, TimeSpan max)
    {
        var text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
        if (Units.TryParseDuration(text, out var d) && d >= min && d <= max) return d;
        r.AddError($"{name}: '{text}' is not a duration from {Human(min)} to {Human(max)} (e.g. 500ms, 30s, 5m, 1h)");
        return null;
    }

    /// <summary>A duration as the options take it: <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>2h</c>.</summary>
    public static string Human(TimeSpan d) =>
        d.TotalMilliseconds < 1000 ? $"{d.TotalMilliseconds:0}ms"
        : d.TotalSeconds < 60 || d.TotalSeconds % 60 != 0 ? $"{d.TotalSeconds:0.#}s"
        : d.TotalMinutes < 60 || d.TotalMinutes % 60 != 0 ? $"{d.TotalMinutes:0}m"
        : d.TotalHours < 24 || d.TotalHours % 24 != 0 ? $"{d.TotalHours:0}h"
        : $"{d.TotalDays:0}d";
}
