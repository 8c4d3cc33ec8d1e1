using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Engine.Api;
using Engine.Host.Cli;

namespace Engine.Host.Commands;

/// <summary>
/// How the engine finds peers besides trackers: the DHT (and its bootstrap nodes), peer exchange and local discovery;
/// each switch left unsaid keeps the config file's value (on by default).
/// </summary>
/// <param name="Bootstrap">The DHT's bootstrap nodes (host:port) replacing the defaults; null: the config file's or the well-known routers.</param>
public sealed record DiscoveryOptions(bool? Dht, bool? Pex, bool? Lsd, IReadOnlyList<string>? Bootstrap)
{
    public static DiscoveryOptions Default { get; } = new(null, null, null, null);

    /// <summary><c>--port-mapping</c> / <c>--no-port-mapping</c>: ask the router to forward the listen port (NAT-PMP, UPnP) or not; null keeps the config file's (on by default).</summary>
    public bool? PortMapping { get; init; }

    /// <summary><c>--encryption</c>: message stream encryption; null keeps the config file's (or the default, enabled).</summary>
    public EncryptionMode? Encryption { get; init; }

    /// <summary><c>--utp</c>: uTP beside TCP; null keeps the config file's (or the default, enabled).</summary>
    public UtpMode? Utp { get; init; }

    /// <summary><paramref name="engine"/> with these switches on top.</summary>
    public TorrentEngineOptions Apply(TorrentEngineOptions engine) => engine with
    {
        Dht = Dht ?? engine.Dht,
        Pex = Pex ?? engine.Pex,
        Lsd = Lsd ?? engine.Lsd,
        DhtBootstrapNodes = Bootstrap ?? engine.DhtBootstrapNodes,
        Encryption = Encryption ?? engine.Encryption,
        Utp = Utp ?? engine.Utp,
        PortMapping = PortMapping ?? engine.PortMapping,
    };

    /// <summary>The options, declared once: <c>--dht-bootstrap</c>, and with <paramref name="switches"/> <c>--no-dht</c>, <c>--no-pex</c>, <c>--no-lsd</c>.</summary>
    public sealed class Set(bool switches = true)
    {
        public Option<string[]> Bootstrap { get; } = new("--dht-bootstrap")
        {
            Description = "a DHT node to join through (host:port), instead of the well-known routers; repeat for more",
            HelpName = "host:port",
            CustomParser = r => r.Tokens.Select(t => HostPort(r, t.Value)).ToArray(),
        };

        public Option<bool> NoDht { get; } = Opt.Flag("--no-dht", "do not look for peers in the DHT (nor serve it)");

        public Option<bool> NoPex { get; } = Opt.Flag("--no-pex", "do not exchange peer lists with peers (ut_pex)");

        public Option<bool> NoLsd { get; } = Opt.Flag("--no-lsd", "do not announce on, or listen to, the local network (multicast)");

        public Option<bool> PortMapping { get; } = Opt.Flag("--port-mapping", "ask the router to forward the peer port (NAT-PMP, UPnP), removed again at exit (the default)");

        public Option<bool> NoPortMapping { get; } = Opt.Flag("--no-port-mapping", "do not ask the router to forward the peer port");

        public Option<EncryptionMode?> Encryption { get; } = ModeOption<EncryptionMode>("--encryption",
            "message stream encryption: enabled (accept encrypted peers, dial plain; the default), preferred (dial encrypted first), required (RC4 only), disabled",
            "disabled, enabled, preferred or required");

        public Option<UtpMode?> Utp { get; } = ModeOption<UtpMode>("--utp",
            "uTP (BitTorrent over UDP) beside TCP: enabled (accept both, dial TCP then uTP; the default), preferred (dial uTP first), only (dial uTP only), disabled",
            "disabled, enabled, preferred or only");

        /// <summary>An option taking one of <typeparamref name="T"/>'s names (any case; numbers refused), failing with <paramref name="allowed"/>.</summary>
        private static Option<T?> ModeOption<T>(string name, string description, string allowed) where T : struct, Enum => new(name)
        {
            Description = description,
            HelpName = "mode",
            CustomParser = r =>
            {
                var text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
                if (Enum.TryParse<T>(text, ignoreCase: true, out var mode) && Enum.IsDefined(mode) && !int.TryParse(text, out _)) return mode;
                r.AddError($"{name}: '{text}' is not {allowed}");
                return null;
            },
        };

        public void AddTo(Command command)
        {
            command.Options.Add(Bootstrap);
            if (!switches) return;
            command.Options.Add(NoDht);
            command.Options.Add(NoPex);
            command.Options.Add(NoLsd);
            command.Options.Add(Encryption);
            command.Options.Add(Utp);
            command.Options.Add(PortMapping);
            command.Options.Add(NoPortMapping);
            command.Validators.Add(r =>
            {
                if (r.GetValue(PortMapping) && r.GetValue(NoPortMapping)) r.AddError("--port-mapping and --no-port-mapping contradict each other");
                if (Opt.Given(r.GetResult(Bootstrap)) && r.GetValue(NoDht)) r.AddError("--dht-bootstrap and --no-dht contradict each other");
            });
        }

        public DiscoveryOptions Read(ParseResult r) => new(
            switches && r.GetValue(NoDht) ? false : null,
            switches && r.GetValue(NoPex) ? false : null,
            switches && r.GetValue(NoLsd) ? false : null,
            Opt.Given(r, Bootstrap) ? r.GetValue(Bootstrap) : null)
        {
            Encryption = switches ? r.GetValue(Encryption) : null,
            Utp = switches ? r.GetValue(Utp) : null,
            PortMapping = !switches ? null : r.GetValue(NoPortMapping) ? false : r.GetValue(PortMapping) ? true : null,
        };

        /// <summary>"host:port" or "[v6]:port", the port 1..65535.</summary>
        private static string HostPort(ArgumentResult r, string text)
        {
            var colon = text.LastIndexOf(':');
            var host = colon > 0 ? text[..colon].Trim('[', ']') : "";
            if (host.Length == 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                r.AddError($"--dht-bootstrap: '{text}' is not host:port (router.bittorrent.com:6881, 10.0.0.5:6881, [::1]:6881)");
            return text;
        }
    }
}
