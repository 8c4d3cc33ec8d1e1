namespace Engine.Core.Pieces;

/// <summary>
/// How long a peer pauses between blocks while our requests wait with it, beyond what its rate explains — for
/// <see cref="RequestPipeline"/>'s margin. Some seeders serve in pulses: transmission 3.00 sends what it has queued and,
/// once its queue is empty, waits for its next bandwidth pulse (every 500 ms) before looking at requests that came in
/// meanwhile. Against such a peer the rate is the depth per pulse, so a depth of rate × (round trip + 0.5 s) shrinks a
/// little with every late pulse, and the pipe collapses to a couple of requests (2 MiB/s → 0.1 MiB/s in the interop
/// test). The pause, measured, lets the margin cover it.
/// </summary>
/// <remarks>
/// A gap counts only while requests were outstanding the whole time: <see cref="OnQueueEmpty"/> (requests sent with none
/// outstanding) starts over, so a wait for the piece manager or for an unchoke is not the peer's pause. Each rate sample
/// takes the longest gap, less one block's time at the sampled rate (a slow but steady peer does not pause), and keeps the
/// larger of it and the remembered pause decayed by <see cref="Memory"/>, so a peer that stops pausing is trusted again
/// within seconds.
/// </remarks>
internal sealed class ServicePauses
{
    /// <summary>What a remembered pause keeps per sample.</summary>
    public const double Memory = 0.75;

    /// <summary>The longest pause taken into account (a stall longer than this is a snub, handled elsewhere).</summary>
    public const double MaxSeconds = 1.5;

    private const double BlockBytes = Primitives.TorrentLayout.BlockSize;
    private DateTimeOffset? _lastArrival;
    private double _longestGap;

    /// <summary>The peer's pause, in seconds (0 until one is seen).</summary>
    public double Seconds { get; private set; }

    /// <summary>A requested block arrived.</summary>
    public void OnBlockArrived(DateTimeOffset now)
    {
        if (_lastArrival is { } last) _longestGap = Math.Max(_longestGap, (now - last).TotalSeconds);
        _lastArrival = now;
    }

    /// <summary>Requests went out with none outstanding: the next arrival ends a round trip, not a pause.</summary>
    public void OnQueueEmpty() => _lastArrival = null;

    /// <summary>Ends a rate sample (bytes per second over it).</summary>
    public void OnSample(double bytesPerSecond)
    {
        var pause = bytesPerSecond > 0 ? _longestGap - BlockBytes / bytesPerSecond : 0;
        Seconds = Math.Max(Math.Min(pause, MaxSeconds), Seconds * Memory);
        _longestGap = 0;
    }
}
