using System.Buffers;
using Engine.Core.Buffers;

namespace Engine.Core.Utp;

internal sealed partial class UtpConnection
{
    private readonly ByteQueue _delivered = new();
    private readonly byte[]?[] _early = new byte[OutOfOrderSlots][];
    private readonly int[] _earlyLength = new int[OutOfOrderSlots];
    private int _earlyCount;
    private int _outOfOrderBytes;
    private bool _peerFin;
    private ushort _peerFinSeq;
    private bool _peerFinInOrder;
    private bool _readerClosed;
    private bool _peerConfirmed;
    /// <summary>When the oldest data packet not yet acknowledged arrived (-1: none).</summary>
    private long _unackedDataSince = -1;

    /// <summary>
    /// The peer has sent something besides its SYN (or answered ours): it got our answer, so it is no forged address.
    /// An accepted connection without it is half-open.
    /// </summary>
    public bool PeerConfirmed => _peerConfirmed;

    /// <summary>The peer has ended its direction and the reader has taken every byte before the end.</summary>
    public bool ReadEnded => _peerFinInOrder && _delivered.Count == 0;
    /// <summary>A read would return bytes, or the end, or the failure.</summary>
    public bool Readable => _delivered.Count > 0 || _postedFill > 0 || ReadEnded || State == UtpState.Failed;

    /// <summary>One datagram for this connection (its id already matched by the shell).</summary>
    public void OnPacket(in UtpHeader header, ReadOnlySpan<byte> selectiveAck, ReadOnlySpan<byte> payload, long nowMicros)
    {
        if (IsFinished) return;
        _lastReceivedMicros = nowMicros;
        RenewBurst();
        _replyMicros = (uint)nowMicros - header.TimestampMicros;
        if (header.Type == UtpPacketType.Reset)
        {
            Fail(State == UtpState.SynSent ? "the peer refused the uTP connection" : "the peer reset the uTP connection");
            return;
        }
        if (State == UtpState.SynSent)
        {
            if (header.Type != UtpPacketType.State) return;
            _ackNr = (ushort)(header.SeqNr - 1);
            State = UtpState.Connected;
        }
        if (header.Type == UtpPacketType.Syn)
        {
            _ackDue = true; // our answer was lost: say it again
            return;
        }
        _peerConfirmed = true; // anything but a SYN means our answer arrived: we may send
        _peerWindow = header.WindowSize;
        OnAck(header.AckNr, selectiveAck, header.TimestampDifferenceMicros, isAckOnly: header.Type == UtpPacketType.State, nowMicros);
        if (IsFinished) return;
        if (header.Type == UtpPacketType.Data)
        {
            Stats.DataReceived++;
            if (_unackedDataSince < 0) _unackedDataSince = nowMicros;
            OnData(header.SeqNr, payload);
        }
        else if (header.Type == UtpPacketType.State) Stats.AcksReceived++;
        if (header.Type == UtpPacketType.Fin) OnFin(header.SeqNr);
        FinishClosing(nowMicros);
    }

    /// <summary>Copies delivered bytes into <paramref name="into"/>; 0 when there are none (see <see cref="ReadEnded"/>).</summary>
    public int Read(Span<byte> into)
    {
        if (_hasPosted) throw new InvalidOperationException("a read is posted: take it first (its bytes come before these)");
        var windowBefore = ReceiveWindow;
        var read = _delivered.Read(into);
        // The peer may have stopped on a window too small for a packet: tell it there is room again.
        if (read > 0 && windowBefore < _settings.PacketPayload * 2 && ReceiveWindow >= _settings.PacketPayload * 2) _ackDue = true;
        return read;
    }

    private void OnData(ushort seq, ReadOnlySpan<byte> payload)
    {
        var ahead = SeqNr.Distance((ushort)(_ackNr + 1), seq);
        if (ahead > 0 && ahead < OutOfOrderSlots && _earlyCount + 1 < HoleReportAfter && _early[seq & (OutOfOrderSlots - 1)] is null)
        {
            if (!_holeAckHeld) _holeAckHeldSince = _lastReceivedMicros;
            _holeAckHeld = true; // a new packet past a hole, too few yet to report it (HoleReportAfter)
        }
        else _ackDue = true;
        if (ahead >= OutOfOrderSlots) return; // old (already acknowledged) or too far ahead: the acknowledgement is the answer
        if (payload.Length > FreeReceiveBytes + _settings.PacketPayload) return; // past the window we advertised (one probe packet allowed): dropped unacknowledged
        if (ahead > 0)
        {
            var slot = seq & (OutOfOrderSlots - 1);
            if (_early[slot] is not null || (_peerFin && !SeqNr.Before(seq, _peerFinSeq))) return;
            var copy = ArrayPool<byte>.Shared.Rent(Math.Max(payload.Length, 1));
            payload.CopyTo(copy);
            _early[slot] = copy;
            _earlyLength[slot] = payload.Length;
            _earlyCount++;
            _outOfOrderBytes += payload.Length;
            return;
        }
        Deliver(payload);
        _ackNr = seq;
        DrainEarly();
    }

    private void OnFin(ushort seq)
    {
        _ackDue = true;
        if (_peerFin) return;
        var ahead = SeqNr.Distance((ushort)(_ackNr + 1), seq);
        if (ahead >= OutOfOrderSlots) return;
        _peerFin = true;
        _peerFinSeq = seq;
        DrainEarly();
    }

    /// <summary>Moves packets that arrived early, now in order, to the reader; takes the FIN when its turn comes.</summary>
    private void DrainEarly()
    {
        while (true)
        {
            var next = (ushort)(_ackNr + 1);
            if (_peerFin && next == _peerFinSeq)
            {
                _ackNr = next;
                _peerFinInOrder = true;
                return;
            }
            var slot = next & (OutOfOrderSlots - 1);
            if (_earlyCount == 0 || _early[slot] is not { } buffer) return;
            var length = _earlyLength[slot];
            _early[slot] = null;
            _earlyCount--;
            _outOfOrderBytes -= length;
            if (!_readerClosed && !TryFillPosted(buffer.AsSpan(0, length))) _delivered.Append(buffer.AsSpan(0, length));
            ArrayPool<byte>.Shared.Return(buffer);
            _ackNr = next;
        }
    }

    private void Deliver(ReadOnlySpan<byte> payload)
    {
        if (_readerClosed || TryFillPosted(payload)) return;
        _delivered.Append(payload);
    }

    /// <summary>
    /// The selective ACK for what arrived early: bit i is <c>ack_nr + 2 + i</c>, 32 bits per 4 bytes, as far as the
    /// furthest early packet (at most <see cref="MaxSelectiveAckBytes"/>). libtorrent's sender counts every packet the
    /// mask leaves out as still in flight, so a mask cut at 128 packets filled its window during a long hole and it
    /// stopped sending until its retransmission timeout.
    /// </summary>
    private int WriteSelectiveAck(Span<byte> into)
    {
        if (_earlyCount == 0) return 0;
        into[..MaxSelectiveAckBytes].Clear();
        var last = 0;
        for (int i = 0, found = 0; i < OutOfOrderSlots - 1 && found < _earlyCount; i++)
            if (_early[(_ackNr + 2 + i) & (OutOfOrderSlots - 1)] is not null)
            {
                into[i / 8] |= (byte)(1 << (i % 8));
                last = i + 1;
                found++;
            }
        return (last + 31) / 32 * 4;
    }

    private void ReleaseReceiveBuffers()
    {
        ForgetPosted();
        _delivered.Clear();
        for (var i = 0; i < _early.Length; i++)
            if (_early[i] is { } b)
            {
                ArrayPool<byte>.Shared.Return(b);
                _early[i] = null;
            }
        _earlyCount = 0;
        _outOfOrderBytes = 0;
    }
}
