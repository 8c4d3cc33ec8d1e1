namespace Engine.Core.Utp;

/// <summary>
/// The base delay of LEDBAT: the smallest one-way delay sample of the last two minutes, kept as one minimum per minute
/// so that a clock that drifts, or a route that changes, moves the base with it. Samples are the peer's clock minus
/// ours plus the real delay, so only differences between them mean anything; they are compared as wrapping 32-bit values.
/// </summary>
internal sealed class DelayHistory
{
    private const long MinuteMicros = 60_000_000;
    private uint _current;
    private uint _previous;
    private bool _hasCurrent;
    private bool _hasPrevious;
    private long _minuteStarted;

    /// <summary>Adds a sample taken at <paramref name="nowMicros"/>; returns the delay above the base (0 for a new minimum).</summary>
    public uint Add(uint sample, long nowMicros)
    {
        if (!_hasCurrent)
        {
            _current = sample;
            _hasCurrent = true;
            _minuteStarted = nowMicros;
        }
        else if (nowMicros - _minuteStarted >= MinuteMicros)
        {
            _previous = _current;
            _hasPrevious = true;
            _current = sample;
            _minuteStarted = nowMicros;
        }
        else if (Below(sample, _current)) _current = sample;
        return sample - Base;
    }

    public uint Base => _hasPrevious && Below(_previous, _current) ? _previous : _current;

    private static bool Below(uint a, uint b) => (int)(a - b) < 0;
}
