namespace Engine.Core.Peers;

/// <summary>Per-connection tunables. Defaults follow what mature clients do; tests shorten the timers.</summary>
internal sealed record PeerSettings
{
    /// <summary>Send a keep-alive after this long without sending anything (BEP 3: two minutes).</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// While our requests wait and the peer has said nothing for this long, one keep-alive goes to it (once per
    /// silence). A uTP peer whose process ended sends no FIN, and we, waiting for blocks, send nothing: only a datagram
    /// to its closed port brings back the ICMP error that ends the connection (at its next retransmission timeout)
    /// instead of the request timeout and a minute of retransmissions. A live but slow peer gets 4 bytes.
    /// </summary>
    public TimeSpan SilentPeerProbe { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Drop a peer we have heard nothing from for this long (keep-alives count).</summary>
    public TimeSpan SilenceTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a connection checks its timers and reports its rates.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Outstanding requests are given back when no block arrived for this long.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A block still outstanding this long after later-requested blocks arrived is re-requested.</summary>
    public TimeSpan SkippedBlockTimeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>TCP connect timeout.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed for the remote handshake to arrive.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Received blocks that may wait for the disk per peer before its socket reads pause.</summary>
    public int DiskCreditBlocks { get; init; } = 256;

    /// <summary>Largest frame accepted from a peer (a bitfield of a huge torrent is the largest legitimate one).</summary>
    public int MaxMessageLength { get; init; } = 1024 * 1024 + 13;

    /// <summary>
    /// Requests from a peer we will queue before dropping it as abusive; also what we advertise as <c>reqq</c>, so a
    /// peer that keeps exactly that many outstanding is served. 2000, as libtorrent: a queued request is a 12-byte
    /// record (~100 KiB per peer at the limit); its block is read from the disk only when it is sent.
    /// </summary>
    public int MaxQueuedUploadRequests { get; init; } = 2000;

    /// <summary>Requests a choked peer may send (racing our choke) before it is dropped.</summary>
    public int ChokedRequestGrace { get; init; } = 64;

    /// <summary>What we advertise as <c>reqq</c> in the BEP 10 handshake: the queue we keep (<see cref="MaxQueuedUploadRequests"/>).</summary>
    public int AdvertisedRequestQueue => MaxQueuedUploadRequests;
}
