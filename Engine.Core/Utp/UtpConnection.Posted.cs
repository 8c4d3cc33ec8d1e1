namespace Engine.Core.Utp;

internal sealed partial class UtpConnection
{
    private Memory<byte> _posted;
    private int _postedFill;
    private bool _hasPosted;

    /// <summary>
    /// A read that waits: until <see cref="TakePosted"/>, data that arrives in order is copied straight from the datagram
    /// into <paramref name="into"/> (the reader's buffer) instead of into a pooled array per packet that a later
    /// <see cref="Read"/> copies again. A packet that does not fit the room left, and everything after it, queues as
    /// before. Only when nothing waits for the reader (<see cref="Read"/> returned 0); one posted read at a time.
    /// </summary>
    public void Post(Memory<byte> into)
    {
        if (_hasPosted) throw new InvalidOperationException("a read is already posted");
        if (_delivered.Count > 0) throw new InvalidOperationException("bytes wait for the reader: read them first");
        _posted = into;
        _postedFill = 0;
        _hasPosted = !_readerClosed && !IsFinished;
    }

    /// <summary>Ends the posted read: the bytes it received, or, when none, what a <see cref="Read"/> into it takes; 0 when there was none.</summary>
    public int TakePosted()
    {
        if (!_hasPosted) return 0;
        var into = _posted;
        var n = _postedFill;
        ForgetPosted();
        return n > 0 ? n : Read(into.Span);
    }

    /// <summary>Copies an in-order payload into the posted read if it fits and nothing queues before it.</summary>
    private bool TryFillPosted(ReadOnlySpan<byte> payload)
    {
        if (!_hasPosted || _delivered.Count > 0 || payload.Length > _posted.Length - _postedFill) return false;
        payload.CopyTo(_posted.Span[_postedFill..]);
        _postedFill += payload.Length;
        return true;
    }

    private void ForgetPosted()
    {
        _hasPosted = false;
        _posted = default;
        _postedFill = 0;
    }
}
