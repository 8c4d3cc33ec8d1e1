namespace Engine.Core.Utp;

/// <summary>
/// The base delay of LEDBAT: the smallest one-way delay sample of the last two minutes, kept as one minimum per minute
/// so that a clock that drifts, or a route that changes, moves the base with it. Samples are the peer's clock minus
/// ours plus the real delay, so only differences between them mean anything; they are compared as wrapping 32-bit values.
/// The delay above the base is taken from the least of the last <see cref="NoiseFilter"/> samples (RFC 6817's current-delay
/// filter), so that one late packet — a scheduler's pause on a busy machine, a burst of ACKs — is not read as a queue:
/// a queue keeps every sample high, a pause only some.
/// </summary>
internal sealed class DelayHistory
{
    private const long MinuteMicros = 60_000_000;
    private uint _current;
    private uint _previous;
    private bool _hasCurrent;
    private bool _hasPrevious;
    private long _minuteStarted;

    /// <summary>How many of the latest samples the current delay is the least of.</summary>
    public const int NoiseFilter = 4;
    private readonly uint[] _recent = new uint[NoiseFilter];
    private int _recentCount;
    private int _recentNext;

    /// <summary>Adds a sample taken at <paramref name="nowMicros"/>; returns the current delay (the least of the last samples) above the base.</summary>
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
        _recent[_recentNext] = sample;
        _recentNext = (_recentNext + 1) % NoiseFilter;
        if (_recentCount < NoiseFilter) _recentCount++;
        var least = sample;
        for (var i = 0; i < _recentCount; i++)
            if (Below(_recent[i], least)) least = _recent[i];
        var base_ = Base;
        return Below(least, base_) ? 0 : least - base_;
    }

    public uint Base => _hasPrevious && Below(_previous, _current) ? _previous : _current;

    private static bool Below(uint a, uint b) => (int)(a - b) < 0;
}
