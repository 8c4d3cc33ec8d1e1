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
    /// <summary>The part of <see cref="_inFlightBytes"/> still thought to be on the way (not marked lost): what the windows limit.</summary>
    private int _onTheWireBytes;
    /// <summary>Packets marked lost and not sent again yet (so a flush without any skips the scan).</summary>
    private int _lostPackets;
    private ushort _lastAckReceived;
    private int _duplicateAcks;
    private long _timeoutAt;
    private int _timeouts;
    private long _lastTimeoutMicros = long.MinValue;
    /// <summary>The longest wait between two retransmissions, however many timeouts in a row backed it off.</summary>
    public const long MaxBackoffMicros = 20_000_000;
    private bool _finQueued;
    private UtpOutPacket? _fin;
    private long _finAckedAt;

    /// <summary>How long a closed connection whose FIN was acknowledged waits for the peer's FIN (to acknowledge it) before it is forgotten.</summary>
    public const long LingerMicros = 10_000_000;
    private readonly byte[] _scratch = new byte[UtpHeader.Size + 2 + MaxSelectiveAckBytes];

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
            if (_tail is null || _tail.IsSent || _tail.PayloadLength >= Math.Min(_tail.Capacity, PacketPayload))
                Queue(_tail = new UtpOutPacket(UtpPacketType.Data, PacketPayload));
            var n = Math.Min(rest.Length, Math.Min(_tail.Capacity, PacketPayload) - _tail.PayloadLength);
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

    /// <summary>Ends a half-open connection without a word (a RESET would go to what may be a forged address).</summary>
    public void Abandon(string reason)
    {
        if (!_peerConfirmed) Fail(reason);
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
        if (_lostPackets > 0 && !Resend(nowMicros))
        {
            Stats.Limited(Limit(), nowMicros);
            if (_ackDue) SendControl(UtpPacketType.State, nowMicros);
            return;
        }
        while (_unsent.TryPeek(out var next) && CanSend(next))
        {
            _unsent.Dequeue();
            if (next == _tail) _tail = null;
            _unsentBytes -= next.PayloadLength;
            next.Seq = _seqNr++;
            _inFlight[next.Seq & (InFlightSlots - 1)] = next;
            _inFlightPackets++;
            _inFlightBytes += next.PayloadLength;
            _onTheWireBytes += next.PayloadLength;
            Transmit(next, nowMicros);
        }
        Stats.Limited(_unsent.Count == 0 ? UtpSendLimit.Application : Limit(), nowMicros);
        if (_ackDue) SendControl(UtpPacketType.State, nowMicros);
    }

    /// <summary>Which limit stops the next packet (for <see cref="Stats"/>).</summary>
    private UtpSendLimit Limit()
    {
        if (_burstLeft <= 0) return UtpSendLimit.Burst;
        return _peerWindow < _ledbat.Window ? UtpSendLimit.PeerWindow : UtpSendLimit.CongestionWindow;
    }

    /// <summary>Retransmission timeouts (the first after an ICMP error from a silent peer ends it), the connect timeout, the idle limit and the end of a close's linger.</summary>
    public void Tick(long nowMicros)
    {
        FinishClosing(nowMicros);
        if (IsFinished) return;
        if (_holeAckHeld && nowMicros - _holeAckHeldSince >= HoleAckDelayMicros) SendControl(UtpPacketType.State, nowMicros); // fewer than HoleReportAfter came
        if (State != UtpState.SynSent && nowMicros - _lastReceivedMicros > _settings.IdleTimeoutMicros)
        {
            Fail($"nothing from the peer for {_settings.IdleTimeoutMicros / 1_000_000} s");
            return;
        }
        if (_timeoutAt == 0 || nowMicros < _timeoutAt) return;
        _timeouts++;
        Stats.Timeouts++;
        if (FailIfUnreachable()) return;
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
        _lastTimeoutMicros = nowMicros;
        SettleBurst();
        _burstLeft = _burstLimit;
        if (State != UtpState.SynSent) _ledbat.OnTimeout(nowMicros);
        // Nothing came back for a whole timeout: everything in flight is presumed lost (a burst loss can be longer than
        // a selective ACK names), and goes again as the restarted window allows, oldest first.
        for (var s = _oldestUnacked; s != _seqNr; s++)
            if (_inFlight[s & (InFlightSlots - 1)] is { NeedsResend: false } packet) PresumeLost(packet);
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

    /// <summary>Sends the packets marked lost, oldest first, as far as the windows allow; false when one had to wait.</summary>
    private bool Resend(long nowMicros)
    {
        for (var s = _oldestUnacked; s != _seqNr; s++)
        {
            if (_inFlight[s & (InFlightSlots - 1)] is not { NeedsResend: true } lost) continue;
            if (!WindowAllows(lost.PayloadLength) || _burstLeft <= 0) return false;
            _onTheWireBytes += lost.PayloadLength;
            _lostPackets--;
            Transmit(lost, nowMicros);
        }
        return true;
    }

    /// <summary>A packet is thought lost: it no longer counts against the windows, and goes again at the next flush.</summary>
    private void PresumeLost(UtpOutPacket packet)
    {
        packet.NeedsResend = true;
        _lostPackets++;
        _onTheWireBytes -= packet.PayloadLength;
    }

    private bool CanSend(UtpOutPacket packet)
    {
        if (State == UtpState.SynSent && packet.Type != UtpPacketType.Syn) return false;
        // An accepted connection sends nothing until the initiator shows it has our answer: if that answer was lost, its
        // repeated SYN is answered again with the same first sequence number, and no data has been skipped.
        if (!_peerConfirmed) return false;
        if (_inFlightPackets >= InFlightSlots - 1) return false;
        if (_inFlightPackets == 0) return true;
        return _burstLeft > 0 && WindowAllows(packet.PayloadLength);
    }

    private bool WindowAllows(int payloadLength)
    {
        if (_onTheWireBytes <= 0) return true; // one packet always: it probes a closed window, and is all a tiny window allows
        var window = Math.Min(_ledbat.Window, (int)Math.Min(_peerWindow, int.MaxValue));
        return _onTheWireBytes + payloadLength <= window;
    }

    private void Queue(UtpOutPacket packet) => _unsent.Enqueue(packet);

    private void Transmit(UtpOutPacket packet, long nowMicros)
    {
        WriteHeader(packet.Buffer, packet.Type, packet.Seq, 0, nowMicros);
        _output.Send(packet.Buffer.AsSpan(0, UtpHeader.Size + packet.PayloadLength));
        if (packet.Transmissions == 0) Stats.DataSent++;
        else Stats.Resent++;
        packet.Transmissions++;
        _burstLeft--;
        packet.SentAtMicros = nowMicros;
        packet.NeedsResend = false;
        if (_earlyCount == 0) Acknowledged(nowMicros); // the header carried the acknowledgement; early packets still need a selective ACK
        if (_timeoutAt == 0) _timeoutAt = nowMicros + Math.Min(_rtt.TimeoutMicros << Math.Min(_timeouts, 6), MaxBackoffMicros);
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
        var length = UtpHeader.Size + (sack > 0 ? 2 + sack : 0);
        var extension = sack > 0 ? UtpDatagram.SelectiveAckExtension : (byte)0;
        if (type == UtpPacketType.State && _fin is { IsSent: true } fin)
        {
            // Implementations disagree on what follows a FIN. libtorrent's FIN takes no sequence number and it drops any
            // packet numbered past it, an ACK too: it would never learn its own FIN arrived, and would keep the connection
            // (and refuse our next one from the same address as a duplicate) until it timed out. libutp's FIN does take
            // one, and libutp drops a packet numbered as the FIN it has. So an ACK after our FIN goes under both numbers.
            WriteHeader(_scratch, type, fin.Seq, extension, nowMicros);
            _output.Send(_scratch.AsSpan(0, length));
        }
        WriteHeader(_scratch, type, _seqNr, extension, nowMicros);
        _output.Send(_scratch.AsSpan(0, length));
        if (type == UtpPacketType.State)
        {
            Stats.AcksSent++;
            _holeAckHeld = false;
        }
        Acknowledged(nowMicros);
    }

    private void Acknowledged(long nowMicros)
    {
        _ackDue = false;
        if (_unackedDataSince < 0) return;
        Stats.Acknowledged(_unackedDataSince, nowMicros);
        _unackedDataSince = -1;
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
        _onTheWireBytes = 0;
        _lostPackets = 0;
        _unsentBytes = 0;
        _timeoutAt = 0;
    }
}
