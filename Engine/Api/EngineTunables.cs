namespace Engine.Api;

/// <summary>
/// The engine's timers and limits beyond <see cref="TorrentEngineOptions"/>' everyday settings (<c>Tunables</c>). The
/// defaults follow what mature clients do; tests and special deployments shorten the timers. Immutable; change with
/// <c>with</c>. Checked by <see cref="TorrentEngineOptions.Validate"/>: every time must be positive, every count at least 1.
/// </summary>
public sealed record EngineTunables
{
    // ---- connections ------------------------------------------------------------------------------------

    /// <summary>A TCP connect to a peer fails after this long.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A peer whose handshake has not arrived after this long is dropped.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>A keep-alive goes to a peer after this long without sending it anything (BEP 3: two minutes).</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>A peer we have heard nothing from (keep-alives count) for this long is dropped.</summary>
    public TimeSpan PeerSilenceTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Our requests to a peer that sent no block for this long are given to other peers.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A peer's requests we queue; one more drops it (a client that does not wait for our answers). Advertised to peers
    /// as <c>reqq</c> (BEP 10). 2000, as libtorrent: clients such as transmission refill up to it about once a second.
    /// </summary>
    public int MaxQueuedUploadRequests { get; init; } = 2000;

    /// <summary>
    /// Connections of one torrent to or from one IP address (a second peer on an address is refused; 127.0.0.1 and ::1,
    /// where a machine's local clients share one address, are exempt).
    /// </summary>
    public int MaxConnectionsPerHost { get; init; } = 1;

    /// <summary>
    /// When a torrent's connections are all taken, a new peer takes the place of one that has been idle this long
    /// (no block either way, no interest either way).
    /// </summary>
    public TimeSpan IdlePeerTurnover { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a ban lasts (a peer that broke the protocol or sent wrong data); at most 10 000 are held, the oldest lifted first.</summary>
    public TimeSpan BanDuration { get; init; } = TimeSpan.FromHours(1);

    // ---- choosing and dialling peers ---------------------------------------------------------------------

    /// <summary>Regular upload slots (the choker's tit-for-tat), besides the optimistic one.</summary>
    public int UploadSlots { get; init; } = 4;

    /// <summary>How often the choker redistributes the upload slots.</summary>
    public TimeSpan RechokeInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the optimistic unchoke moves to another peer.</summary>
    public TimeSpan OptimisticUnchokeInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How soon after a connection ends a replacement is dialled.</summary>
    public TimeSpan RedialInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an address whose dial failed waits before the next try (doubling for each further failure).</summary>
    public TimeSpan RedialBackoff { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Seeds the choker's and the peer book's random choices (null: a different seed per torrent); tests fix it.</summary>
    public int? RandomSeed { get; init; }

    // ---- trackers ---------------------------------------------------------------------------------------

    /// <summary>Peers asked for in each announce.</summary>
    public int TrackerNumWant { get; init; } = 80;

    /// <summary>Shortest wait between regular announces, whatever a tracker asks for.</summary>
    public TimeSpan TrackerMinimumInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Wait after a round in which every tracker failed; doubles per failed round up to <see cref="TrackerRetryMax"/>.</summary>
    public TimeSpan TrackerRetryBase { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan TrackerRetryMax { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>One HTTP announce or scrape (or a UDP tracker's name lookup) fails after this long.</summary>
    public TimeSpan TrackerRequestTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>BEP 15: an unanswered UDP tracker request is sent again after this · 2ⁿ.</summary>
    public TimeSpan UdpTrackerRetransmitBase { get; init; } = TimeSpan.FromSeconds(15);

    // ---- magnet links -----------------------------------------------------------------------------------

    /// <summary>Peers asked for a magnet link's metadata at the same time.</summary>
    public int MetadataParallelPeers { get; init; } = 4;

    /// <summary>One peer's whole metadata exchange must finish within this.</summary>
    public TimeSpan MetadataPeerTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A peer that failed to give the metadata is asked again after this.</summary>
    public TimeSpan MetadataRetryInterval { get; init; } = TimeSpan.FromSeconds(10);

    // ---- disk -------------------------------------------------------------------------------------------

    /// <summary>How often, while pieces are being verified, a torrent's fast-resume record is saved.</summary>
    public TimeSpan ResumeSaveInterval { get; init; } = TimeSpan.FromSeconds(5);

    // ---- the actor system -------------------------------------------------------------------------------

    /// <summary>
    /// Extra HOCON for the engine's own ActorSystem (<see cref="TorrentEngine.Create(TorrentEngineOptions, Microsoft.Extensions.Logging.ILoggerFactory?)"/>;
    /// an attached engine uses its system's), e.g. <c>akka.loglevel = DEBUG</c> to pass Akka's debug events to the logger.
    /// </summary>
    public string? AkkaHocon { get; init; }

    /// <summary>Throws <see cref="InvalidEngineOptionsException"/> naming the first value out of range.</summary>
    internal void Validate()
    {
        foreach (var (name, value) in new (string, TimeSpan)[]
        {
            (nameof(ConnectTimeout), ConnectTimeout), (nameof(HandshakeTimeout), HandshakeTimeout),
            (nameof(KeepAliveInterval), KeepAliveInterval), (nameof(PeerSilenceTimeout), PeerSilenceTimeout),
            (nameof(RequestTimeout), RequestTimeout), (nameof(RechokeInterval), RechokeInterval),
            (nameof(OptimisticUnchokeInterval), OptimisticUnchokeInterval), (nameof(RedialInterval), RedialInterval),
            (nameof(RedialBackoff), RedialBackoff), (nameof(TrackerMinimumInterval), TrackerMinimumInterval),
            (nameof(TrackerRetryBase), TrackerRetryBase), (nameof(TrackerRetryMax), TrackerRetryMax),
            (nameof(TrackerRequestTimeout), TrackerRequestTimeout), (nameof(UdpTrackerRetransmitBase), UdpTrackerRetransmitBase),
            (nameof(MetadataPeerTimeout), MetadataPeerTimeout), (nameof(MetadataRetryInterval), MetadataRetryInterval),
            (nameof(ResumeSaveInterval), ResumeSaveInterval), (nameof(IdlePeerTurnover), IdlePeerTurnover), (nameof(BanDuration), BanDuration),
        })
            if (value <= TimeSpan.Zero) throw new InvalidEngineOptionsException($"Tunables.{name} must be positive, got {value}");
        foreach (var (name, value) in new (string, int)[]
        {
            (nameof(MaxQueuedUploadRequests), MaxQueuedUploadRequests), (nameof(UploadSlots), UploadSlots),
            (nameof(TrackerNumWant), TrackerNumWant), (nameof(MetadataParallelPeers), MetadataParallelPeers),
            (nameof(MaxConnectionsPerHost), MaxConnectionsPerHost),
        })
            if (value < 1) throw new InvalidEngineOptionsException($"Tunables.{name} must be at least 1, got {value}");
    }
}
