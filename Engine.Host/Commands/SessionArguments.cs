using System.CommandLine;
using System.Net;
using Engine.Api;
using Engine.Host.Cli;

namespace Engine.Host.Commands;

/// <summary>
/// The options <c>download</c> and <c>seed</c> share: the peer listener (<c>--port</c>, <c>--bind</c>, <c>--max-peers</c>),
/// peers to dial (<c>--peer</c>), the DHT, PEX and LSD (<see cref="DiscoveryOptions"/>), the status interval, rate and seed limits (<see cref="TransferOptions"/>), the output
/// (<c>--json</c>, <c>--quiet</c>) and the web UI (<c>--web &lt;port&gt;</c>, <c>--web-bind &lt;address&gt;</c>), over the
/// <c>--config</c> file's engine options (<see cref="HostSettings"/>).
/// </summary>
/// <param name="Listen">Where peers reach us: an address and a port range; null: no listener (a config file's <c>"ListenOn": "none"</c>).</param>
/// <param name="WebPort">HTTP port of the web UI and REST API (0: a free one); null: no web UI.</param>
/// <param name="WebBind">Address of the web UI's listener as given (null: <see cref="WebAddress"/>'s default, 127.0.0.1).</param>
public sealed record SessionArguments(
    ListenSpec? Listen,
    int MaxPeers,
    IReadOnlyList<IPEndPoint> Peers,
    TimeSpan StatusInterval,
    TransferOptions Transfer,
    OutputMode Output,
    int? WebPort,
    IPAddress? WebBind,
    HostSettings Settings)
{
    public IPAddress WebAddress => WebBind ?? IPAddress.Loopback;

    /// <summary>The web UI's password (<c>--web-password</c> or ENGINE_HOST_WEB_PASSWORD); null: none.</summary>
    public string? WebPassword { get; init; }

    /// <summary>Use the torrent's web seeds (BEP 19); <c>--no-web-seeds</c>: BitTorrent peers only.</summary>
    public bool WebSeeds { get; init; } = true;

    /// <summary>The DHT, PEX and LSD switches and the DHT's bootstrap nodes.</summary>
    public DiscoveryOptions Discovery { get; init; } = DiscoveryOptions.Default;

    /// <summary>The engine these options ask for: the config file's options with the command line's on top; the port picked from the range now.</summary>
    public TorrentEngineOptions EngineOptions() => Discovery.Apply(Settings.Engine) with
    {
        ListenOn = Listen is { } l ? new IPEndPoint(l.Address, l.Ports.Pick(l.Address)) : null,
        MaxConnectionsPerTorrent = MaxPeers,
        UploadLimit = Transfer.UploadLimit,
        DownloadLimit = Transfer.DownloadLimit,
    };

    /// <summary>The options themselves, declared once for both commands (<paramref name="download"/>: with <c>--max-download</c>).</summary>
    public sealed class Set(bool download)
    {
        public Option<PortRange> Port { get; } = Opt.Ports("--port", "peer port", "-p");

        public Option<IPAddress> Bind { get; } = Opt.Address("--bind", "address the peer listener binds (one address: peers are dialled from it too)", IPAddress.Any);

        public Option<int> MaxPeers { get; } = Opt.Int("--max-peers", "most peer connections of the torrent", 50, 1, 10_000);

        public Option<IPEndPoint[]> Peers { get; } = Opt.Peers();

        public Option<Duration> StatusInterval { get; } = Opt.Duration("--status-interval",
            "how often a status line is written when the output is not a terminal", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));

        public TransferOptions.Set Transfer { get; } = new(download, seedLimits: true);

        public OutputMode.Set Output { get; } = new(files: true);

        public Option<int?> Web { get; } = Opt.OptionalPort("--web", "also serve the web UI and REST API on this port (0: a free one)");

        public Option<IPAddress?> WebBind { get; } = Opt.OptionalAddress("--web-bind", "address of the web UI (default 127.0.0.1)");

        public Option<string?> WebPassword { get; } = Opt.Password("--web-password");

        public DiscoveryOptions.Set Discovery { get; } = new();

        public Option<bool> NoWebSeeds { get; } = Opt.Flag("--no-web-seeds", "never fetch from the torrent's web seeds (url-list): BitTorrent peers only");

        public void AddTo(Command command)
        {
            command.Options.Add(Port);
            command.Options.Add(Bind);
            command.Options.Add(MaxPeers);
            command.Options.Add(Peers);
            Transfer.AddTo(command);
            Output.AddTo(command);
            command.Options.Add(StatusInterval);
            Discovery.AddTo(command);
            command.Options.Add(NoWebSeeds);
            command.Options.Add(Web);
            command.Options.Add(WebBind);
            command.Options.Add(WebPassword);
            command.Validators.Add(r =>
            {
                if (Opt.Given(r.GetResult(WebBind)) && !Opt.Given(r.GetResult(Web))) r.AddError("--web-bind goes with --web <port>");
            });
        }

        public SessionArguments Read(ParseResult r, HostSettings settings)
        {
            ListenSpec? listen = new(r.GetValue(Bind)!, r.GetValue(Port)!);
            if (!Opt.Given(r, Port) && !Opt.Given(r, Bind) && settings.Configured(nameof(TorrentEngineOptions.ListenOn)))
                listen = settings.Engine.ListenOn is { } on ? new ListenSpec(on.Address, new PortRange(on.Port, on.Port)) : null;
            var maxPeers = !Opt.Given(r, MaxPeers) && settings.Configured(nameof(TorrentEngineOptions.MaxConnectionsPerTorrent))
                ? settings.Engine.MaxConnectionsPerTorrent
                : r.GetValue(MaxPeers);
            return new SessionArguments(listen, maxPeers, r.GetValue(Peers) ?? [], r.GetValue(StatusInterval), Transfer.Read(r, settings),
                Output.Read(r), r.GetValue(Web), r.GetValue(WebBind), settings) { WebPassword = Opt.PasswordOf(r, WebPassword), Discovery = Discovery.Read(r), WebSeeds = !r.GetValue(NoWebSeeds) };
        }
    }
}

/// <summary>The peer listener's address and the ports it may take.</summary>
public sealed record ListenSpec(IPAddress Address, PortRange Ports);
