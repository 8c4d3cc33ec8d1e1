using System.Net;
using Engine.Api;

namespace Engine.Host.Commands;

/// <summary>
/// The options <c>download</c> and <c>seed</c> share: the peer listener (<c>--port</c>, <c>--bind</c>,
/// <c>--max-peers</c>), peers to dial (<c>--peer</c>), the status interval, rate and seed limits
/// (<see cref="TransferOptions"/>) and the web UI (<c>--web &lt;port&gt;</c>, <c>--web-bind &lt;address&gt;</c>).
/// </summary>
/// <param name="WebPort">HTTP port of the web UI and REST API (0: a free one); null: no web UI.</param>
/// <param name="WebBind">Address of the web UI's listener as given (null: <see cref="WebAddress"/>'s default, 127.0.0.1).</param>
public sealed record SessionArguments(
    int Port,
    IPAddress ListenAddress,
    int MaxPeers,
    IReadOnlyList<IPEndPoint> Peers,
    int StatusIntervalMs,
    TransferOptions Transfer,
    int? WebPort,
    IPAddress? WebBind)
{
    public const string Usage = "[--port N] [--bind <address>] [--max-peers N] [--peer host:port]... [--max-upload KiB/s] " +
                                "[--ratio R] [--seed-time <seconds>] [--status-interval <ms>] [--web <port> [--web-bind <address>]]";

    public static SessionArguments Default { get; } =
        new(6881, IPAddress.Any, 50, [], 5000, TransferOptions.Default, null, null);

    public IPAddress WebAddress => WebBind ?? IPAddress.Loopback;

    public TimeSpan StatusInterval => TimeSpan.FromMilliseconds(StatusIntervalMs);

    /// <summary>Consumes <c>args[i]</c> (and its value) when it is one of these options; false otherwise.</summary>
    public bool TryParse(string[] args, ref int i, out SessionArguments parsed)
    {
        parsed = this;
        if (Transfer.TryParse(args, ref i, out var transfer))
        {
            parsed = this with { Transfer = transfer };
            return true;
        }
        var option = args[i];
        switch (option)
        {
            case "--port": parsed = this with { Port = CommandArgs.Int(args, ref i, 0, 65535) }; return true;
            case "--bind":
                parsed = this with { ListenAddress = IPAddress.TryParse(CommandArgs.Value(args, ref i), out var a) ? a : throw new CommandLineException("--bind needs an IP address") };
                return true;
            case "--max-peers": parsed = this with { MaxPeers = CommandArgs.Int(args, ref i, 1, 10000) }; return true;
            case "--status-interval": parsed = this with { StatusIntervalMs = CommandArgs.Int(args, ref i, 100, 3_600_000) }; return true;
            case "--peer":
                var text = CommandArgs.Value(args, ref i);
                if (!IPEndPoint.TryParse(text, out var peer) || peer.Port == 0) throw new CommandLineException($"--peer '{text}' is not host:port");
                parsed = this with { Peers = [.. Peers, peer] };
                return true;
            case "--web": parsed = this with { WebPort = CommandArgs.Port(CommandArgs.Value(args, ref i), option) }; return true;
            case "--web-bind": parsed = this with { WebBind = CommandArgs.Address(CommandArgs.Value(args, ref i), option) }; return true;
            default: return false;
        }
    }

    /// <summary>Checks what only the whole command line shows; returns this.</summary>
    public SessionArguments Validate()
    {
        if (WebPort is null && WebBind is not null) throw new CommandLineException("--web-bind goes with --web <port>");
        return this;
    }

    /// <summary>The engine these options ask for, keeping its state (fast-resume records) in <paramref name="stateDirectory"/>.</summary>
    public TorrentEngineOptions EngineOptions(string stateDirectory) => new()
    {
        ListenOn = new IPEndPoint(ListenAddress, Port),
        StateDirectory = stateDirectory,
        MaxConnectionsPerTorrent = MaxPeers,
        UploadLimit = Transfer.UploadLimit,
        DownloadLimit = Transfer.DownloadLimit,
    };
}
