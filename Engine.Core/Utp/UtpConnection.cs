namespace Engine.Core.Utp;

/// <summary>
/// One uTP connection (BEP 29) as a synchronous state machine: the shell feeds it the datagrams addressed to it
/// (<see cref="OnPacket"/>), the bytes a writer wants sent (<see cref="Write"/>) and the time (<see cref="Tick"/>), and
/// it hands the datagrams it sends to an <see cref="IUtpOutput"/>. Ordered, reliable delivery with selective ACKs, fast
/// retransmission after three duplicate ACKs, timeouts with exponential backoff and LEDBAT congestion control; the
/// receive window is what the reader has not taken yet. Time is microseconds on any monotonic clock; nothing here reads
/// a clock, a socket or a thread, and the caller serialises the calls.
/// </summary>
internal sealed partial class UtpConnection
{
    /// <summary>Packets in flight at most (a power of two: slots are indexed by sequence number).</summary>
    public const int InFlightSlots = 2048;
    /// <summary>How far past the next expected packet we keep packets that arrive early.</summary>
    public const int OutOfOrderSlots = 1024;
    /// <summary>The longest selective ACK we send: every packet we may hold early (ack_nr + 2 … ack_nr + 1 + 1 023).</summary>
    public const int MaxSelectiveAckBytes = OutOfOrderSlots / 8;

    private readonly IUtpOutput _output;
    private readonly UtpSettings _settings;
    private readonly Ledbat _ledbat;
    private readonly RttEstimator _rtt = new();
    private readonly DelayHistory _delays = new();
    private ushort _seqNr;
    private ushort _ackNr;
    private uint _replyMicros;
    private uint _peerWindow;
    private long _lastReceivedMicros;
    private bool _ackDue;
    /// <summary>Packets arrived past a hole but fewer than <see cref="HoleReportAfter"/>: their ACK waits (see there).</summary>
    private bool _holeAckHeld;
    private long _holeAckHeldSince;

    /// <summary>The longest a held ACK waits for more packets before <see cref="Tick"/> sends it (plus up to a tick).</summary>
    private const long HoleAckDelayMicros = 25_000;

    /// <summary>
    /// How many packets must have arrived past a hole before we acknowledge them. libtorrent's sender has two ways to
    /// resend a lost packet early: three duplicate ACKs, which give up on that packet when the resend cannot go out at
    /// once (a full socket buffer), and a selective ACK naming more than three later packets, which tries again. With an
    /// ACK per packet the first always won: on a link losing 0.5 % of datagrams it fell back on a one-second timeout
    /// for most losses (8 in 12 s). Holding the ACK until four have arrived makes the first one carry four bits, as
    /// libtorrent's own receiver, which acknowledges in batches, does; <see cref="Tick"/> sends a held ACK after
    /// <see cref="HoleAckDelayMicros"/> anyway (fewer packets came: the sender will time out, far later).
    /// </summary>
    private const int HoleReportAfter = 4;

    private UtpConnection(IUtpOutput output, UtpSettings settings, ushort receiveId, ushort sendId, long nowMicros)
    {
        _output = output;
        _settings = settings;
        ReceiveId = receiveId;
        SendId = sendId;
        _ledbat = new Ledbat(settings.PacketPayload, Math.Min(settings.SendBuffer, settings.MaxWindow));
        _lastReceivedMicros = nowMicros;
        _peerWindow = (uint)settings.PacketPayload;
        _burstLeft = _burstLimit = settings.MaxBurst;
        _burstCeiling = Math.Max(settings.MaxBurst, settings.MaxGrownBurst);
    }

    /// <summary>
    /// Opens a connection: sends the SYN (connection id <paramref name="receiveId"/>; we send on id + 1). A
    /// <paramref name="punching"/> connect (BEP 55) is not failed by ICMP errors (see <see cref="OnUnreachable"/>).
    /// </summary>
    public static UtpConnection Connect(IUtpOutput output, ushort receiveId, long nowMicros, UtpSettings? settings = null, bool punching = false)
    {
        var c = new UtpConnection(output, settings ?? UtpSettings.Default, receiveId, (ushort)(receiveId + 1), nowMicros) { State = UtpState.SynSent, _punching = punching };
        c._peerConfirmed = true;
        c._seqNr = 1;
        c._oldestUnacked = 1;
        c.Queue(new UtpOutPacket(UtpPacketType.Syn, 0));
        c.Flush(nowMicros);
        return c;
    }

    /// <summary>Answers a SYN: we receive on its id + 1, send on its id, and start our numbers at <paramref name="initialSeq"/>.</summary>
    public static UtpConnection Accept(IUtpOutput output, in UtpHeader syn, ushort initialSeq, long nowMicros, UtpSettings? settings = null)
    {
        var c = new UtpConnection(output, settings ?? UtpSettings.Default, (ushort)(syn.ConnectionId + 1), syn.ConnectionId, nowMicros)
        {
            State = UtpState.Connected,
        };
        c._seqNr = initialSeq;
        c._oldestUnacked = initialSeq;
        c._lastAckReceived = (ushort)(initialSeq - 1);
        c._ackNr = syn.SeqNr;
        c._peerWindow = syn.WindowSize;
        c._replyMicros = (uint)nowMicros - syn.TimestampMicros;
        c._ackDue = true;
        c.Flush(nowMicros);
        return c;
    }

    /// <summary>The id packets to us carry.</summary>
    public ushort ReceiveId { get; }
    /// <summary>The id our packets carry (after the SYN).</summary>
    public ushort SendId { get; }
    public UtpState State { get; private set; }
    /// <summary>Why the connection failed (<see cref="UtpState.Failed"/>).</summary>
    public string? Error { get; private set; }
    /// <summary>Nothing left to do: the shell may forget the connection.</summary>
    public bool IsFinished => State is UtpState.Closed or UtpState.Failed;
    public int CongestionWindow => _ledbat.Window;
    public long RttMicros => _rtt.RttMicros;
    public uint LastQueuingDelay { get; private set; }
    /// <summary>Counters of what this connection sent, received and waited on.</summary>
    public UtpStats Stats { get; } = new();

    /// <summary>What we advertise: the receive buffer less what waits for the reader or arrived early.</summary>
    private uint ReceiveWindow => (uint)Math.Max(0, FreeReceiveBytes);

    private int FreeReceiveBytes => _settings.ReceiveBuffer - _delivered.Count - _outOfOrderBytes;

    private void Fail(string error)
    {
        if (IsFinished) return;
        if (OnlyOurFinIsUnacknowledged)
        {
            // Both sides said everything and the peer has gone: its ACK of our FIN was lost, nothing else.
            State = UtpState.Closed;
            ReleaseAll();
            return;
        }
        State = UtpState.Failed;
        Error = error;
        ReleaseAll();
    }

    /// <summary>Closing, the peer's FIN taken in order, and nothing of ours in flight but the FIN.</summary>
    private bool OnlyOurFinIsUnacknowledged =>
        State == UtpState.Closing && _peerFinInOrder && _unsent.Count == 0 && _inFlightPackets == 1 && _fin is { IsSent: true } fin && _inFlight[fin.Seq & (InFlightSlots - 1)] == fin;

    private void ReleaseAll()
    {
        ReleaseSendBuffers();
        ReleaseReceiveBuffers();
    }

    private void WriteHeader(Span<byte> into, UtpPacketType type, ushort seq, byte extension, long nowMicros) =>
        new UtpHeader(type, extension, type == UtpPacketType.Syn ? ReceiveId : SendId, (uint)nowMicros, _replyMicros, ReceiveWindow, seq, _ackNr)
            .Write(into);

    /// <summary>The connection's counters in one line, for logs and failing tests.</summary>
    public override string ToString() =>
        $"{State} seq {_seqNr} ack {_ackNr} oldest {_oldestUnacked} in flight {_inFlightPackets}/{_inFlightBytes} B ({_onTheWireBytes} B sent, {_lostPackets} lost) unsent {_unsent.Count}/{_unsentBytes} B " +
        $"early {_earlyCount} delivered {_delivered.Count} B cwnd {_ledbat.Window} target {_ledbat.Target} us peer window {_peerWindow} rtt {_rtt.RttMicros} us qdelay {LastQueuingDelay} us timeouts {_timeouts} burst {_burstLimit} of {_burstCeiling} slow start {_ledbat.SlowStart}{(_pathPayload > 0 ? $" path payload {_pathPayload}" : "")}; {Stats}" +
        (Error is null ? "" : " error: " + Error);
}
