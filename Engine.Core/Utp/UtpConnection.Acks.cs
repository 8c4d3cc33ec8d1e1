namespace Engine.Core.Utp;

internal sealed partial class UtpConnection
{
    /// <summary>
    /// What the peer acknowledged: everything up to <paramref name="ackNr"/>, and what its selective ACK names. Frees those
    /// packets, takes RTT samples from packets sent once, feeds LEDBAT the peer's delay measurement, and marks a packet
    /// lost when three ACKs in a row stop just before it or three later packets are selectively acknowledged.
    /// </summary>
    private void OnAck(ushort ackNr, ReadOnlySpan<byte> selectiveAck, uint delaySample, bool isAckOnly, long nowMicros)
    {
        var sent = SeqNr.Distance(_oldestUnacked, _seqNr);
        var cumulative = SeqNr.Distance(_oldestUnacked, (ushort)(ackNr + 1));
        if (cumulative > sent) return; // acknowledges what we never sent (or is ancient): ignore it
        var acked = 0;
        for (var i = 0; i < cumulative; i++) acked += Acknowledge((ushort)(_oldestUnacked + i), nowMicros);

        if (ackNr == _lastAckReceived && isAckOnly && _inFlightPackets > 0 && acked == 0)
        {
            if (++_duplicateAcks == 3) MarkLost((ushort)(ackNr + 1), nowMicros);
        }
        else if (ackNr != _lastAckReceived) _duplicateAcks = 0;
        if (SeqNr.Before(_lastAckReceived, ackNr)) _lastAckReceived = ackNr;

        if (!selectiveAck.IsEmpty && _inFlightPackets > 0) acked += OnSelectiveAck(ackNr, selectiveAck, nowMicros);
        while (_oldestUnacked != _seqNr && _inFlight[_oldestUnacked & (InFlightSlots - 1)] is null) _oldestUnacked++;

        if (acked > 0)
        {
            if (delaySample != 0)
            {
                LastQueuingDelay = _delays.Add(delaySample, nowMicros);
                _ledbat.OnDelay(LastQueuingDelay, nowMicros, _rtt.RttMicros);
                _ledbat.OnAck(acked, LastQueuingDelay);
            }
            else _ledbat.OnAck(acked, 0);
            _timeouts = 0;
            _timeoutAt = _inFlightPackets > 0 ? nowMicros + _rtt.TimeoutMicros : 0;
        }
        if (State == UtpState.Closing && _finAckedAt == 0 && _fin is { Buffer.Length: 0 }) _finAckedAt = nowMicros;
    }

    /// <summary>Frees the packet with <paramref name="seq"/> if it is still in flight; returns the bytes it freed (a SYN or FIN counts 1).</summary>
    private int Acknowledge(ushort seq, long nowMicros)
    {
        var slot = seq & (InFlightSlots - 1);
        if (_inFlight[slot] is not { } packet || packet.Seq != seq) return 0;
        // Karn: a packet sent twice gives no sample; nor does one sent before a timeout (its ACKs may have been lost, and
        // the one that finally came says more about the loss than about the round trip).
        if (packet.Transmissions == 1 && packet.SentAtMicros > _lastTimeoutMicros) _rtt.Add(nowMicros - packet.SentAtMicros);
        _inFlight[slot] = null;
        _inFlightPackets--;
        _inFlightBytes -= packet.PayloadLength;
        if (packet.NeedsResend) _lostPackets--;
        else _onTheWireBytes -= packet.PayloadLength;
        packet.Release();
        return Math.Max(packet.PayloadLength, 1);
    }

    private int OnSelectiveAck(ushort ackNr, ReadOnlySpan<byte> mask, long nowMicros)
    {
        var acked = 0;
        var laterReceived = 0;
        for (var i = mask.Length * 8 - 1; i >= -1; i--)
        {
            var seq = (ushort)(ackNr + 2 + i);
            if (!SeqNr.Before(seq, _seqNr)) continue;
            var received = i >= 0 && (mask[i / 8] & (1 << (i % 8))) != 0;
            if (received)
            {
                acked += Acknowledge(seq, nowMicros);
                laterReceived++;
            }
            else if (laterReceived >= 3) MarkLost(seq, nowMicros);
        }
        return acked;
    }

    /// <summary>Resends <paramref name="seq"/> on the next flush (once per round trip) and tells LEDBAT of the loss.</summary>
    private void MarkLost(ushort seq, long nowMicros)
    {
        if (_inFlight[seq & (InFlightSlots - 1)] is not { } packet || packet.Seq != seq || packet.NeedsResend) return;
        if (packet.Transmissions > 1 && nowMicros - packet.SentAtMicros < _rtt.RttMicros) return;
        PresumeLost(packet);
        Stats.Losses++;
        SettleBurst();
        _ledbat.OnLoss(nowMicros, _rtt.RttMicros);
    }
}
