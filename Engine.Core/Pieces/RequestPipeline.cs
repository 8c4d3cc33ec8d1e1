namespace Engine.Core.Pieces;

/// <summary>
/// The adaptive number of block requests to keep outstanding with one peer. Enough requests must be in
/// flight to cover the round trip at the peer's rate (bandwidth-delay product); too many make cancels
/// expensive and tie blocks to a slow peer. The target is about <see cref="BufferSeconds"/> seconds of data
/// at the measured rate, clamped to [<see cref="MinDepth"/>, <see cref="Cap"/>].
/// </summary>
/// <remarks>
/// Starts at <see cref="InitialDepth"/> in slow start: while each rate sample rises by at least
/// <see cref="RisingFactor"/> over the previous one and the rate fills the current depth (its target is at
/// least the depth), the depth doubles (the pipe, not the peer, may be the limit, so give it room). A sample
/// that does not rise, or a peer too slow to use the requests it already has, ends slow start; from then on
/// the depth follows the target, jumping up at once and coming down halfway per sample so that a single slow
/// second does not starve the pipe. Call <see cref="UpdateRate"/> about once a second.
/// <para>
/// The first rate sample comes a second after the start, so the initial depth is what a fast peer gets for
/// that second. With 64 blocks (1 MiB) instead of 16, a loopback gigabyte took 5-14 % less wall time in hand-run
/// rigs (the leech bench could not tell them apart; docs/performance.md, 2026-12-03); a slow peer holds them only until its first sample brings the
/// depth down, instead of doubling it as before.
/// </para>
/// </remarks>
internal sealed class RequestPipeline
{
    public const int InitialDepth = 64;
    public const int MinDepth = 2;
    public const int DefaultCap = 500;

    /// <summary>Upper bound applied to a peer's advertised <c>reqq</c>, however large.</summary>
    public const int MaxCap = 4000;

    public const double BufferSeconds = 3.0;
    public const double RisingFactor = 1.10;
    private const double BlockBytes = 16 * 1024;

    private double _lastRate;

    /// <param name="peerMaxRequests">The <c>reqq</c> value of the peer's BEP 10 handshake, if it sent one.</param>
    public RequestPipeline(int? peerMaxRequests = null)
    {
        SetPeerMaxRequests(peerMaxRequests);
        Depth = Math.Min(InitialDepth, Cap);
        InSlowStart = true;
    }

    /// <summary>Requests to keep outstanding now.</summary>
    public int Depth { get; private set; }

    /// <summary>The peer's <c>reqq</c> (bounded to [<see cref="MinDepth"/>, <see cref="MaxCap"/>]) or <see cref="DefaultCap"/>.</summary>
    public int Cap { get; private set; }

    public bool InSlowStart { get; private set; }

    /// <summary>Applies a <c>reqq</c> learnt later (the extension handshake arrives after the pipeline starts).</summary>
    public void SetPeerMaxRequests(int? peerMaxRequests)
    {
        Cap = peerMaxRequests is { } reqq ? Math.Clamp(reqq, MinDepth, MaxCap) : DefaultCap;
        Depth = Math.Min(Depth, Cap);
    }

    /// <summary>Feeds the download rate from this peer (bytes per second over the last sample period).</summary>
    public void UpdateRate(double bytesPerSecond)
    {
        if (double.IsNaN(bytesPerSecond) || bytesPerSecond < 0 || double.IsInfinity(bytesPerSecond))
            throw new ArgumentOutOfRangeException(nameof(bytesPerSecond), bytesPerSecond, "a rate must be a finite, non-negative number");
        var target = Clamp(Math.Ceiling(bytesPerSecond * BufferSeconds / BlockBytes));
        if (InSlowStart)
        {
            if (bytesPerSecond > 0 && bytesPerSecond >= _lastRate * RisingFactor && target >= Depth)
                Depth = Math.Max(target, Clamp(Depth * 2.0));
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

    /// <summary>Back to the initial depth and slow start (e.g. after being unchoked again).</summary>
    public void Reset()
    {
        Depth = Math.Min(InitialDepth, Cap);
        InSlowStart = true;
        _lastRate = 0;
    }

    private void Follow(int target) =>
        Depth = target >= Depth ? target : Math.Max(target, Depth - (Depth - target + 1) / 2);

    private int Clamp(double depth) => (int)Math.Clamp(depth, MinDepth, Cap);
}
