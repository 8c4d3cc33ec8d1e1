namespace Engine.Core.Pieces;

/// <summary>
/// The adaptive number of block requests to keep outstanding with one peer. Enough requests must be in
/// flight to cover the round trip at the peer's rate (bandwidth-delay product); too many make cancels
/// expensive, tie blocks to a slow peer and park seconds of our requests in a busy seeder's queue. Once a round
/// trip is known (<see cref="OnRoundTrip"/>) the target is the rate × (<see cref="Rtt"/> + <see cref="Margin"/>, or twice
/// the peer's pause between blocks if that is longer: <see cref="ServicePauses"/>);
/// before that, <see cref="BufferSeconds"/> of data. Always clamped to [<see cref="MinDepth"/>, <see cref="Cap"/>],
/// the cap being one under the peer's <c>reqq</c>.
/// </summary>
/// <remarks>
/// Starts at <see cref="InitialDepth"/> in slow start — or, once a round trip is measured (the handshake's, then
/// the quickest request-to-block time), at what <see cref="ProbeBytesPerSecond"/> needs for one round trip, if
/// more: 192 blocks at 300 ms, and at most 320 (<see cref="MaxProbeRtt"/>). In slow start the
/// depth doubles once per round trip while the peer delivers at least three quarters of it in that round trip
/// (<see cref="OnBlockArrived"/>: the depth, not the peer, is the limit), so a long fat pipe reaches full rate in a
/// few round trips instead of waiting for rate samples. The once-a-second rate sample (<see cref="UpdateRate"/>)
/// also raises the depth to the target while the rate rises by at least <see cref="RisingFactor"/> (without a known
/// round trip it doubles it, as before); a sample that does not rise, or a peer too slow to use the requests it
/// already has, ends slow start. From then on the depth follows the target, jumping up at once and coming down
/// halfway per sample so that a single slow second does not starve the pipe. Requests already sent stay outstanding
/// as the depth comes down, so a peer that holds more than twice its target gives the newest back (<see cref="Trim"/>).
/// <para>
/// History: with 64 initial blocks instead of 16, a loopback gigabyte took 5-14 % less wall time in hand-run rigs
/// (docs/performance.md, 2026-12-03). Three seconds of data per peer (the old target) meant ~560 requests
/// outstanding per seeder and 4.7 MiB received twice on the WAN-like swarms of issue 20.
/// </para>
/// </remarks>
internal sealed class RequestPipeline
{
    public const int InitialDepth = 64;
    public const int MinDepth = 2;
    public const int DefaultCap = 500;

    /// <summary>Upper bound applied to a peer's advertised <c>reqq</c>, however large.</summary>
    public const int MaxCap = 4000;

    /// <summary>The horizon of the target while no round trip is known.</summary>
    public const double BufferSeconds = 3.0;

    /// <summary>Added to the round trip in the target: the peer's disk and send queue, our refill at a quarter free.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(500);

    /// <summary>The rate the first depth covers for one round trip (<see cref="InitialDepth"/> blocks per 100 ms).</summary>
    public const double ProbeBytesPerSecond = 10 * 1024 * 1024;

    /// <summary>
    /// The longest round trip the first depth is sized for. The handshake's round trip includes the time the peer and
    /// we take to answer: a busy peer's (or our own start-up's) ~1 s gave slow seeders 600-700 requests each, over a
    /// minute of their data, in the 30-seeder swarm of issue 20. The longest terrestrial paths are ~300 ms; the bound
    /// leaves room above them for a start-up's delay (at 300 ms, the swarm lab's 300 ms path lost a round trip of ramp
    /// in JIT builds, whose answer takes longer).
    /// </summary>
    public static readonly TimeSpan MaxProbeRtt = TimeSpan.FromMilliseconds(500);

    public const double RisingFactor = 1.10;

    /// <summary>
    /// Past slow start, a peer may hold this many times its target before the newest requests are taken back
    /// (<see cref="Trim"/>).
    /// </summary>
    public const double OvercommitFactor = 2.0;

    /// <summary>Fewer requests than this beyond what a peer may hold are left with it: not worth their cancels.</summary>
    public const int MinTrim = 16;
    private const double BlockBytes = 16 * 1024;
    private static readonly TimeSpan MinRtt = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// Below this round trip the depth does not double per round trip: <see cref="InitialDepth"/> already covers
    /// 100 MB/s, and on loopback the blocks of a whole read arrive together, so every millisecond would look like a
    /// filled pipe and a small torrent would be requested in full from every peer (endgame from the start).
    /// </summary>
    public static readonly TimeSpan MinRampRtt = TimeSpan.FromMilliseconds(10);

    private double _lastRate;
    private DateTimeOffset? _roundStart; // the current round trip of slow start began with this arrival
    private int _roundBlocks;            // blocks arrived in it
    private bool _arrived;               // a block arrived since the start: round trips measured now no longer size the first depth
    private int _roundBase;              // the depth their requests went out under (before the doubling at its start)
    private int _target;                 // the last rate sample's target
    private int _samples;                // rate samples since the start or the last reset
    private readonly ServicePauses _pauses = new();

    /// <param name="peerMaxRequests">The <c>reqq</c> value of the peer's BEP 10 handshake, if it sent one.</param>
    public RequestPipeline(int? peerMaxRequests = null)
    {
        SetPeerMaxRequests(peerMaxRequests);
        Depth = Math.Min(InitialDepth, Cap);
        InSlowStart = true;
    }

    /// <summary>The quickest round trip seen (null until one is measured).</summary>
    public TimeSpan? Rtt { get; private set; }

    /// <summary>Requests to keep outstanding now.</summary>
    public int Depth { get; private set; }

    /// <summary>
    /// One under the peer's <c>reqq</c> (bounded to [<see cref="MinDepth"/>, <see cref="MaxCap"/>]), or <see cref="DefaultCap"/>.
    /// transmission refuses the request that would fill its queue (it holds at most <c>reqq</c> − 1, and without the fast
    /// extension drops the rest silently), so a depth of exactly <c>reqq</c> lost a block per refill to the skipped-block
    /// timeout.
    /// </summary>
    public int Cap { get; private set; }

    public bool InSlowStart { get; private set; }

    /// <summary>The peer's pause between blocks beyond its rate, in seconds (<see cref="ServicePauses"/>).</summary>
    public double PauseSeconds => _pauses.Seconds;

    /// <summary>Applies a <c>reqq</c> learnt later (the extension handshake arrives after the pipeline starts).</summary>
    public void SetPeerMaxRequests(int? peerMaxRequests)
    {
        Cap = peerMaxRequests is { } reqq ? (int)Math.Clamp(reqq - 1L, MinDepth, MaxCap) : DefaultCap;
        Depth = Math.Min(Depth, Cap);
    }

    /// <summary>Feeds the download rate from this peer (bytes per second over the last sample period).</summary>
    public void UpdateRate(double bytesPerSecond)
    {
        if (double.IsNaN(bytesPerSecond) || bytesPerSecond < 0 || double.IsInfinity(bytesPerSecond))
            throw new ArgumentOutOfRangeException(nameof(bytesPerSecond), bytesPerSecond, "a rate must be a finite, non-negative number");
        _pauses.OnSample(bytesPerSecond);
        var horizon = Rtt is { } rtt ? rtt.TotalSeconds + Math.Max(Margin.TotalSeconds, 2 * _pauses.Seconds) : BufferSeconds;
        var target = Clamp(Math.Ceiling(bytesPerSecond * horizon / BlockBytes));
        _target = target;
        _samples++;
        if (InSlowStart)
        {
            if (bytesPerSecond > 0 && bytesPerSecond >= _lastRate * RisingFactor && target >= Depth)
                Depth = Rtt is null ? Math.Max(target, Clamp(Depth * 2.0)) : target; // with a round trip, growth is per round trip
            else
            {
                InSlowStart = false;
                Follow(target);
            }
        }
        else
        {
            Follow(target);
        }
        _lastRate = bytesPerSecond;
    }

    /// <summary>
    /// A round trip measured (the handshake's, or a request answered by its block): the quickest one is kept. Before
    /// the first block arrives, the depth grows to cover <see cref="ProbeBytesPerSecond"/> for that round trip.
    /// </summary>
    public void OnRoundTrip(TimeSpan sample)
    {
        if (sample < TimeSpan.Zero) return;
        if (sample < MinRtt) sample = MinRtt;
        if (Rtt is { } known && known <= sample) return;
        Rtt = sample;
        if (InSlowStart && !_arrived) Depth = Math.Max(Depth, FirstDepth());
    }

    /// <summary>
    /// A requested block arrived. In slow start, with a known round trip: when a round trip has passed since the
    /// round began and at least three quarters of the depth its blocks were requested under arrived in it (the depth,
    /// not the peer, was the limit), the depth doubles (up to the cap). A round's arrivals were requested during the
    /// previous round, so they are measured against the depth before the doubling at its start.
    /// </summary>
    public void OnBlockArrived(DateTimeOffset now)
    {
        _arrived = true;
        _pauses.OnBlockArrived(now);
        if (!InSlowStart || Rtt is not { } rtt || rtt < MinRampRtt) return;
        if (_roundStart is not { } start) { StartRound(now); _roundBlocks = 1; return; }
        _roundBlocks++;
        if (now - start < rtt) return;
        var filled = _roundBlocks * 4 >= _roundBase * 3;
        StartRound(now);
        if (filled) Depth = Clamp(Depth * 2.0);
    }

    /// <summary>
    /// After a rate sample: how many of the <paramref name="outstanding"/> requests the peer should give back (the newest,
    /// as it serves in order) because it holds more than <see cref="OvercommitFactor"/> × the target at its measured rate —
    /// e.g. a first depth sized for a fast long path given to a slow peer, or a peer that slowed down. Kept there, they
    /// would tie their pieces to it for many seconds (a small torrent's all, at the start of a big swarm) while other
    /// peers run dry. Only past slow start and from the second sample on (the first covers a fraction of a second of
    /// data), and only when at least <see cref="MinTrim"/> are over. The depth comes down to what is kept, so they are
    /// not asked for again at once.
    /// </summary>
    public int Trim(int outstanding)
    {
        if (InSlowStart || _samples < 2) return 0;
        var keep = Clamp(OvercommitFactor * _target);
        if (outstanding - keep < MinTrim) return 0;
        Depth = Math.Min(Depth, keep);
        return outstanding - keep;
    }

    /// <summary>Requests go out with none outstanding: the wait for their blocks is a round trip, not a pause of the peer.</summary>
    public void OnQueueEmpty() => _pauses.OnQueueEmpty();

    private void StartRound(DateTimeOffset now)
    {
        _roundStart = now;
        _roundBlocks = 0;
        _roundBase = Depth;
    }

    /// <summary>Back to the first depth and slow start (e.g. after being unchoked again); the round trip is kept.</summary>
    public void Reset()
    {
        InSlowStart = true;
        _lastRate = 0;
        _samples = 0;
        _roundStart = null;
        _pauses.OnQueueEmpty();
        Depth = FirstDepth();
    }

    private int FirstDepth() => Math.Min(Cap, Rtt is { } rtt
        ? Math.Max(InitialDepth, (int)Math.Ceiling(ProbeBytesPerSecond * Math.Min(rtt.TotalSeconds, MaxProbeRtt.TotalSeconds) / BlockBytes))
        : InitialDepth);

    private void Follow(int target) =>
        Depth = target >= Depth ? target : Math.Max(target, Depth - (Depth - target + 1) / 2);

    private int Clamp(double depth) => (int)Math.Clamp(depth, MinDepth, Cap);
}
