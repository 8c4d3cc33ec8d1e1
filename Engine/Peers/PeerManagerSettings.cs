namespace Engine.Peers;

/// <summary>PeerManager tunables (the public ones come from <c>Engine.Api.EngineTunables</c>).</summary>
internal sealed record PeerManagerSettings
{
    /// <summary>Most connections of one torrent.</summary>
    public int MaxConnections { get; init; } = 50;

    /// <summary>Regular upload slots, besides the optimistic one.</summary>
    public int UploadSlots { get; init; } = 4;

    public TimeSpan RechokeInterval { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan OptimisticInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How soon a replacement is dialled after a connection ends.</summary>
    public TimeSpan RedialInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>First wait before a failed address is dialled again (doubling per failure).</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Most connections to or from one IP address (127.0.0.1 and ::1 exempt: many local peers share them).</summary>
    public int MaxConnectionsPerHost { get; init; } = Core.Peers.ConnectionHygiene.DefaultMaxPerHost;

    /// <summary>With every slot taken, a newcomer replaces a peer idle this long with no interest either way.</summary>
    public TimeSpan IdleTurnover { get; init; } = Core.Peers.ConnectionHygiene.DefaultIdleTurnover;

    /// <summary>How long a ban lasts (a peer that broke the protocol or sent wrong data).</summary>
    public TimeSpan BanDuration { get; init; } = Core.Peers.BanList.DefaultDuration;

    /// <summary>Most bans held at once; beyond, the oldest is lifted first.</summary>
    public int BanCapacity { get; init; } = Core.Peers.BanList.DefaultCapacity;

    /// <summary>Seeds the choker's and the peer book's random choices.</summary>
    public int Seed { get; init; } = Environment.TickCount;
}
