namespace Engine.Core.Utp;

internal sealed partial class UtpConnection
{
    private readonly UtpOutPacket?[] _inFlight = new UtpOutPacket?[InFlightSlots];
    private readonly Queue<UtpOutPacket> _unsent = new();
    private UtpOutPacket? _tail;
    private int _unsentBytes;
    private ushort _oldestUnacked;
    private int _inFlightPackets;
    private int _inFlightBytes;
    private ushort _lastAckReceived;
    private int _duplicateAcks;
    private long _timeoutAt;
    private int _timeouts;
    private bool _finQueued;
    private UtpOutPacket? _fin;
    private long _finAckedAt;

    /// <summary>How long a closed connection whose FIN was acknowledged waits for the peer's FIN (to acknowledge it) before it is forgotten.</summary>
    public const long LingerMicros = 10_000_000;
    private readonly byte[] _scratch = new byte[UtpHeader.Size + 2 + 16];

    /// <summary>Room for a writer: what may still be queued, 0 once closed or failed.</summary>
    public int WritableBytes => State is UtpState.SynSent or UtpState.Connected && !_finQueued
        ? Math.Max(0, _settings.SendBuffer - _unsentBytes - _inFlightBytes) : 0;

    /// <summary>A write would take bytes, or fail (closed, failed).</summary>
    public bool Writable => WritableBytes > 0 || State is UtpState.Failed or UtpState.Closed || _finQueued;

    /// <summary>Queues as much of <paramref name="data"/> as the send buffer takes (packed into full packets); returns how much.</summary>
    public int Write(ReadOnlySpan<byte> data)
    {
        var taken = Math.Min(data.Length, WritableBytes);
        var rest = data[..taken];
        while (!rest.IsEmpty)
        {
            if (_tail is null || _tail.IsSent || _tail.PayloadLength == _tail.Capacity)
                Queue(_tail = new UtpOutPacket(UtpPacketType.Data, _settings.PacketPayload));
            var n = Math.Min(rest.Length, _tail.Capacity - _tail.PayloadLength);
            rest[..n].CopyTo(_tail.Free);
            _tail.PayloadLength += n;
            _unsentBytes += n;
            rest = rest[n..];
        }
        return taken;
    }

    /// <summary>Ends our direction and the reader's: queued bytes go out, then a FIN; data from the peer is dropped from now on.</summary>
    public void Close(long nowMicros)
    {
        _readerClosed = true;
        ReleaseReceiveBuffers();
        if (IsFinished || _finQueued) return;
        if (State == UtpState.SynSent || !_peerConfirmed) // nothing was said: nothing to close (a flood of SYNs leaves no FINs behind)
        {
            State = UtpState.Closed;
            ReleaseAll();
            return;
        }
        _finQueued = true;
        State = UtpState.Closing;
        Queue(_fin = new UtpOutPacket(UtpPacketType.Fin, 0));
        Flush(nowMicros);
    }

    /// <summary>Aborts: tells the peer with a RESET and forgets everything.</summary>
    public void Reset(long nowMicros)
    {
        if (IsFinished) return;
        if (State != UtpState.SynSent) SendControl(UtpPacketType.Reset, nowMicros);
        Fail("reset");
    }

    /// <summary>Sends what the congestion and receive windows allow: retransmissions first, then new packets; then a bare ACK if one is due.</summary>
    public void Flush(long nowMicros)
    {
        if (IsFinished) return;
        if (_inFlightPackets > 0)
            for (var s = _oldestUnacked; s != _seqNr; s++)
                if (_inFlight[s & (InFlightSlots - 1)] is { NeedsResend: true } lost) Transmit(lost, nowMicros);
        while (_unsent.TryPeek(out var next) && CanSend(next))
        {
            _unsent.Dequeue();
            if (next == _tail) _tail = null;
            _unsentBytes -= next.PayloadLength;
            next.Seq = _seqNr++;
            _inFlight[next.Seq & (InFlightSlots - 1)] = next;
            _inFlightPackets++;
            _inFlightBytes += next.PayloadLength;
            Transmit(next, nowMicros);
        }
        if (_ackDue) SendControl(UtpPacketType.State, nowMicros);
    }

    /// <summary>Retransmission timeouts, the connect timeout, the idle limit and the end of a close's linger.</summary>
    public void Tick(long nowMicros)
    {
        FinishClosing(nowMicros);
        if (IsFinished) return;
        if (State != UtpState.SynSent && nowMicros - _lastReceivedMicros > _settings.IdleTimeoutMicros)
        {
            Fail($"nothing from the peer for {_settings.IdleTimeoutMicros / 1_000_000} s");
            return;
        }
        if (_timeoutAt == 0 || nowMicros < _timeoutAt) return;
        _timeouts++;
        if (State == UtpState.SynSent && _timeouts >= _settings.ConnectAttempts)
        {
            Fail("no uTP answer from the peer");
            return;
        }
        if (_timeouts > _settings.MaxTimeouts)
        {
            Fail($"uTP timed out ({_timeouts - 1} retransmissions unanswered)");
            return;
        }
        _timeoutAt = 0;
        if (State != UtpState.SynSent) _ledbat.OnTimeout(nowMicros);
        if (_inFlight[_oldestUnacked & (InFlightSlots - 1)] is { } oldest) oldest.NeedsResend = true;
        Flush(nowMicros);
    }

    /// <summary>
    /// A close is done once our FIN is acknowledged and the peer's FIN has arrived (acknowledged here, before we forget the
    /// connection, so that the peer closes cleanly too) or the linger is over.
    /// </summary>
    private void FinishClosing(long nowMicros)
    {
        if (State != UtpState.Closing || _finAckedAt == 0 || (!_peerFinInOrder && nowMicros - _finAckedAt < LingerMicros)) return;
        if (_ackDue) SendControl(UtpPacketType.State, nowMicros);
        State = UtpState.Closed;
        ReleaseAll();
    }

    private bool CanSend(UtpOutPacket packet)
    {
        if (State == UtpState.SynSent && packet.Type != UtpPacketType.Syn) return false;
        // An accepted connection sends nothing until the initiator shows it has our answer: if that answer was lost, its
        // repeated SYN is answered again with the same first sequence number, and no data has been skipped.
        if (!_peerConfirmed) return false;
        if (_inFlightPackets >= InFlightSlots - 1) return false;
        if (_inFlightPackets == 0) return true; // one packet always: it probes a closed window, and is all a tiny window allows
        var window = Math.Min(_ledbat.Window, (int)Math.Min(_peerWindow, int.MaxValue));
        return _inFlightBytes + packet.PayloadLength <= window;
    }

    private void Queue(UtpOutPacket packet) => _unsent.Enqueue(packet);

    private void Transmit(UtpOutPacket packet, long nowMicros)
    {
        WriteHeader(packet.Buffer, packet.Type, packet.Seq, 0, nowMicros);
        _output.Send(packet.Buffer.AsSpan(0, UtpHeader.Size + packet.PayloadLength));
        packet.Transmissions++;
        packet.SentAtMicros = nowMicros;
        packet.NeedsResend = false;
        if (_earlyCount == 0) _ackDue = false; // the header carried the acknowledgement; early packets still need a selective ACK
        if (_timeoutAt == 0) _timeoutAt = nowMicros + (_rtt.TimeoutMicros << Math.Min(_timeouts, 6));
    }

    /// <summary>A packet without a sequence number of its own: an ACK (with the selective ACK when packets arrived early) or a RESET.</summary>
    private void SendControl(UtpPacketType type, long nowMicros)
    {
        var sack = type == UtpPacketType.State ? WriteSelectiveAck(_scratch.AsSpan(UtpHeader.Size + 2)) : 0;
        if (sack > 0)
        {
            _scratch[UtpHeader.Size] = 0;
            _scratch[UtpHeader.Size + 1] = (byte)sack;
        }
        WriteHeader(_scratch, type, _seqNr, sack > 0 ? UtpDatagram.SelectiveAckExtension : (byte)0, nowMicros);
        _output.Send(_scratch.AsSpan(0, UtpHeader.Size + (sack > 0 ? 2 + sack : 0)));
        _ackDue = false;
    }

    private void ReleaseSendBuffers()
    {
        for (var i = 0; i < _inFlight.Length; i++)
            if (_inFlight[i] is { } p)
            {
                p.Release();
                _inFlight[i] = null;
            }
        while (_unsent.TryDequeue(out var p)) p.Release();
        _tail = null;
        _inFlightPackets = 0;
        _inFlightBytes = 0;
        _unsentBytes = 0;
        _timeoutAt = 0;
    }
}
