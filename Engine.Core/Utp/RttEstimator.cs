namespace Engine.Core.Utp;

/// <summary>
/// Round-trip time and the retransmission timeout from it (BEP 29, as TCP): a smoothed RTT and its mean deviation, the
/// timeout RTT + 4 deviations but never below 500 ms; 1 s before the first sample.
/// </summary>
internal sealed class RttEstimator
{
    public const long MinTimeoutMicros = 500_000;
    public const long InitialTimeoutMicros = 1_000_000;

    public long RttMicros { get; private set; }
    public long DeviationMicros { get; private set; }
    public bool HasSample { get; private set; }

    public void Add(long sampleMicros)
    {
        if (sampleMicros < 0) return;
        if (!HasSample)
        {
            RttMicros = sampleMicros;
            DeviationMicros = sampleMicros / 2;
            HasSample = true;
            return;
        }
        var delta = RttMicros - sampleMicros;
        DeviationMicros += (Math.Abs(delta) - DeviationMicros) / 4;
        RttMicros += (sampleMicros - RttMicros) / 8;
    }

    public long TimeoutMicros => HasSample ? Math.Max(RttMicros + 4 * DeviationMicros, MinTimeoutMicros) : InitialTimeoutMicros;
}
