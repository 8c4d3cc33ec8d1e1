namespace Engine.Core.Utp;

/// <summary>
/// The delay LEDBAT aims at when the queue it can see tops out below <see cref="Ledbat.TargetMicros"/>: LEDBAT's
/// latecomer case. A uTP flow that starts beside a loss-based TCP flow takes the queue TCP already holds as its base
/// delay, so it sees only the part of the queue TCP's sawtooth moves (a CUBIC flow backs off to 0.7 of its window: on a
/// 200 ms buffer the queue swings between 140 and 200 ms, and uTP sees 0 to 60 ms). If that top is below the target, the
/// delay never tells uTP to yield, and it takes a growing share of the link.
/// <para>
/// The queue betrays a full buffer by how it falls: a loss-based flow, ours or another's, fills the buffer until a packet
/// is dropped and then halves its window, so a delay that held high for a while and then drops below half its peak marks
/// the peak as where the buffer overflowed. When that peak is below the target, the target becomes half the peak, so
/// uTP sits in the lower half of the queue it can see and gives way through each rise of the sawtooth. Without another
/// such fall the target creeps back to its full value at 1 ms per second. Falls of short spikes (a scheduler's pause),
/// of peaks under 20 ms (noise), and of peaks at or over the target (delay already does its work) change nothing.
/// </para>
/// </summary>
internal sealed class QueueCeiling(long targetMicros)
{
    /// <summary>Peaks below this are noise, not a buffer.</summary>
    public const long MinPeakMicros = 20_000;
    /// <summary>The least the target falls to, so that a path's jitter alone does not read as a queue over it.</summary>
    public const long MinTargetMicros = 15_000;
    /// <summary>How long the delay must have held high (and at least two round trips) before its fall counts.</summary>
    public const long MinRiseMicros = 500_000;
    /// <summary>How fast the target creeps back: microseconds of target per microsecond without a fall (1 ms per second).</summary>
    public const long RelaxDivisor = 1000;

    private readonly long _fullTarget = targetMicros;
    private long _loweredTo = targetMicros;
    private long _loweredAt;
    private long _riseStart = -1;
    private long _peak;

    /// <summary>The target delay now, from <see cref="MinTargetMicros"/> to the full target.</summary>
    public long TargetMicros(long nowMicros) =>
        _loweredTo >= _fullTarget ? _fullTarget : Math.Min(_fullTarget, _loweredTo + Math.Max(0, nowMicros - _loweredAt) / RelaxDivisor);

    /// <summary>A queuing delay of <paramref name="queuingDelayMicros"/> was measured at <paramref name="nowMicros"/>.</summary>
    public void Add(long queuingDelayMicros, long nowMicros, long rttMicros)
    {
        if (_riseStart < 0)
        {
            if (queuingDelayMicros * 2 >= MinPeakMicros) Rise(queuingDelayMicros, nowMicros);
            return;
        }
        if (queuingDelayMicros > _peak) _peak = queuingDelayMicros;
        if (queuingDelayMicros * 2 >= _peak) return;
        var held = nowMicros - _riseStart >= Math.Max(MinRiseMicros, 2 * rttMicros);
        if (held && _peak >= MinPeakMicros && _peak < _fullTarget)
        {
            _loweredTo = Math.Max(MinTargetMicros, _peak / 2);
            _loweredAt = nowMicros;
        }
        _riseStart = -1;
        if (queuingDelayMicros * 2 >= MinPeakMicros) Rise(queuingDelayMicros, nowMicros);
    }

    private void Rise(long queuingDelayMicros, long nowMicros)
    {
        _riseStart = nowMicros;
        _peak = queuingDelayMicros;
    }
}
