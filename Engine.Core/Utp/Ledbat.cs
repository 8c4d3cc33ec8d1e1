namespace Engine.Core.Utp;

/// <summary>
/// LEDBAT congestion control (BEP 29, RFC 6817) with LEDBAT++'s decrease (draft-irtf-iccrg-ledbat-plus-plus): the window
/// grows while the one-way queuing delay is below the 60 ms target, by at most <see cref="MaxGainPerRtt"/> bytes per
/// round trip, so a uTP flow fills an idle link; above the target it shrinks in proportion to the window and to how far
/// the delay is over (at most by half per round trip), so it yields to TCP within a few round trips instead of a couple
/// of packets per round trip. Slow start (the window grows by what is acknowledged, doubling per round trip) runs until
/// the delay reaches half the target or a packet is lost. A loss halves the window (once per round trip); a timeout
/// drops it to one packet and slow-starts again up to half the window it had. When the queue it can see tops out below
/// the target (a latecomer beside a loss-based flow), <see cref="QueueCeiling"/> lowers the target under that top.
/// </summary>
internal sealed class Ledbat(int packetSize, int maxWindow)
{
    private readonly int _maxWindow = maxWindow;
    public const long TargetMicros = 60_000;
    public const int MaxGainPerRtt = 3000;

    private readonly QueueCeiling _ceiling = new(TargetMicros);
    private long _lastCutMicros = long.MinValue / 2;
    private int _slowStartThreshold = int.MaxValue;

    public int Window { get; private set; } = Math.Min(packetSize * 8, maxWindow);
    public bool SlowStart { get; private set; } = true;

    /// <summary>The delay aimed at now: <see cref="TargetMicros"/>, or less after the queue was seen to top out below it.</summary>
    public long Target { get; private set; } = TargetMicros;

    /// <summary>A delay sample gave <paramref name="queuingDelayMicros"/> at <paramref name="nowMicros"/>: moves <see cref="Target"/>.</summary>
    public void OnDelay(long queuingDelayMicros, long nowMicros, long rttMicros)
    {
        _ceiling.Add(queuingDelayMicros, nowMicros, rttMicros);
        Target = _ceiling.TargetMicros(nowMicros);
    }

    /// <summary><paramref name="ackedBytes"/> were acknowledged while <paramref name="queuingDelayMicros"/> of delay was measured.</summary>
    public void OnAck(int ackedBytes, long queuingDelayMicros)
    {
        if (ackedBytes <= 0) return;
        var target = Target;
        if (SlowStart && (queuingDelayMicros > target / 2 || Window >= _slowStartThreshold)) SlowStart = false;
        double gain;
        if (SlowStart) gain = ackedBytes;
        else if (queuingDelayMicros <= target)
        {
            var delayFactor = (target - queuingDelayMicros) / (double)target;
            var windowFactor = Math.Min(1.0, ackedBytes / (double)Math.Max(Window, 1));
            gain = MaxGainPerRtt * delayFactor * windowFactor;
        }
        else
        {
            // Over a round trip (a window acknowledged) the window loses (delay / target - 1) of itself, at most half.
            var over = Math.Min((queuingDelayMicros - target) / (double)target, 0.5);
            gain = -over * Math.Min(ackedBytes, Window);
        }
        Window = (int)Math.Clamp(Window + gain, packetSize, _maxWindow);
    }

    /// <summary>A packet was lost (three duplicate ACKs or a selective ACK past it): halve, at most once per <paramref name="rttMicros"/>.</summary>
    public void OnLoss(long nowMicros, long rttMicros)
    {
        SlowStart = false;
        if (nowMicros - _lastCutMicros < rttMicros) return;
        _lastCutMicros = nowMicros;
        Window = Math.Max(Window / 2, packetSize);
    }

    /// <summary>The retransmission timer fired: nothing is getting through, start again from one packet.</summary>
    public void OnTimeout(long nowMicros)
    {
        _lastCutMicros = nowMicros;
        _slowStartThreshold = Math.Max(Window / 2, 2 * packetSize);
        Window = packetSize;
        SlowStart = true;
    }
}
