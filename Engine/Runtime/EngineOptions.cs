using System.Net;
using Engine.Core.Metadata;
using Engine.Core.Peers;
using Engine.Core.Trackers;
using Engine.Dht;
using Engine.Limits;
using Engine.Peers;

namespace Engine.Runtime;

/// <summary>Engine-wide options. Immutable; change with <c>with</c>.</summary>
internal sealed record EngineOptions
{
    /// <summary>Where peers connect to us. Port 0 picks a free port. Null: no listener (leech-only).</summary>
    public IPEndPoint? ListenOn { get; init; } = new(IPAddress.Any, 6881);

    /// <summary>A socket already listening on <see cref="ListenOn"/> (bound by the caller, who checked it can listen), which the listener takes over; null: the listener binds.</summary>
    public System.Net.Sockets.Socket? ListenSocket { get; init; }

    /// <summary>Directory for fast-resume files (one per torrent, named by info-hash).</summary>
    public string ResumeDirectory { get; init; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "akka-torrent", "resume");

    public PeerSettings Peers { get; init; } = new();

    /// <summary>Engine-wide upload and download limits (every torrent together); unlimited by default.</summary>
    public RateLimits Limits { get; init; } = RateLimits.Unlimited;

    /// <summary>Most peer connections of all torrents together (each torrent also has <see cref="PeerManagerSettings.MaxConnections"/>); 0 for no limit.</summary>
    public int MaxConnections { get; init; } = 500;

    public PeerManagerSettings PeerManager { get; init; } = new();
    public TrackerSettings Trackers { get; init; } = new();
    public TimeSpan ResumeSaveInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How magnet links' metadata is fetched (BEP 9).</summary>
    public MetadataSettings Metadata { get; init; } = new();

    /// <summary>The engine's DHT node. Off unless asked for (the public <c>TorrentEngineOptions.Dht</c> turns it on by default).</summary>
    public DhtOptions Dht { get; init; } = new() { Enabled = false };

    /// <summary>Peer exchange (BEP 11, ut_pex) on public torrents' connections.</summary>
    public bool Pex { get; init; }

    /// <summary>How torrents' web seeds (BEP 19, <c>url-list</c>) are used; null: they are not.</summary>
    public WebSeeds.WebSeedSettings? WebSeeds { get; init; } = new();

    /// <summary>Local service discovery (BEP 14) for public torrents.</summary>
    public bool Lsd { get; init; }

    /// <summary>Ask the router to forward the listen port (NAT-PMP, UPnP IGD). Off unless asked for (the public options turn it on by default).</summary>
    public bool PortMapping { get; init; }

    /// <summary>Message stream encryption (MSE/PE); plain only unless asked for (the public options accept encrypted peers by default).</summary>
    public Transports.MsePolicy Encryption { get; init; } = Transports.MsePolicy.Off;

    /// <summary>uTP beside TCP; off unless asked for (the public options turn it on).</summary>
    public Utp.UtpDialOrder Utp { get; init; } = Engine.Utp.UtpDialOrder.Off;

    /// <summary>Blocks kept for re-use by the block pool.</summary>
    public int PooledBlocks { get; init; } = 4096;

    /// <summary>Extra HOCON prepended to the ActorSystem configuration.</summary>
    public string? ExtraHocon { get; init; }
}
