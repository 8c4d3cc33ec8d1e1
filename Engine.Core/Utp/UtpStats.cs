namespace Engine.Core.Utp;

/// <summary>
/// One connection's counters, for finding what a transfer waits on: datagrams each way, time spent limited by each
/// <see cref="UtpSendLimit"/> (from one flush to the next), and on the receiving side how long data waited for its
/// acknowledgement and how many data packets an acknowledgement covered.
/// </summary>
internal sealed class UtpStats
{
    private readonly long[] _limitedMicros = new long[4];
    private UtpSendLimit _limit;
    private long _limitSince = -1;

    /// <summary>Packets with a sequence number (data, SYN, FIN) sent once, and sent again.</summary>
    public long DataSent { get; internal set; }
    public long Resent { get; internal set; }
    public long AcksSent { get; internal set; }
    public long DataReceived { get; internal set; }
    public long AcksReceived { get; internal set; }
    public long Losses { get; internal set; }
    public long Timeouts { get; internal set; }
    /// <summary>Acknowledgements of data (bare or on a data packet) and the time data waited for them in all.</summary>
    public long AckedBatches { get; internal set; }
    public long AckWaitMicros { get; internal set; }
    public long MaxAckWaitMicros { get; internal set; }

    public long LimitedMicros(UtpSendLimit limit) => _limitedMicros[(int)limit];

    /// <summary>A flush ended stopped by <paramref name="limit"/> at <paramref name="nowMicros"/>; the time since the last is charged to the last one's limit.</summary>
    internal void Limited(UtpSendLimit limit, long nowMicros)
    {
        if (_limitSince >= 0 && nowMicros > _limitSince) _limitedMicros[(int)_limit] += nowMicros - _limitSince;
        _limit = limit;
        _limitSince = nowMicros;
    }

    /// <summary>Data that arrived at <paramref name="firstUnackedMicros"/> was acknowledged at <paramref name="nowMicros"/>.</summary>
    internal void Acknowledged(long firstUnackedMicros, long nowMicros)
    {
        var wait = Math.Max(0, nowMicros - firstUnackedMicros);
        AckedBatches++;
        AckWaitMicros += wait;
        if (wait > MaxAckWaitMicros) MaxAckWaitMicros = wait;
    }

    public override string ToString() =>
        $"sent {DataSent} (+{Resent} again) acks sent {AcksSent} received {DataReceived} data {AcksReceived} acks; losses {Losses} timeouts {Timeouts}; " +
        $"limited ms: app {LimitedMicros(UtpSendLimit.Application) / 1000} cwnd {LimitedMicros(UtpSendLimit.CongestionWindow) / 1000} " +
        $"peer window {LimitedMicros(UtpSendLimit.PeerWindow) / 1000} burst {LimitedMicros(UtpSendLimit.Burst) / 1000}; " +
        $"acks of data {AckedBatches} ({(AckedBatches == 0 ? 0 : DataReceived / (double)AckedBatches):F1} packets each, wait avg {(AckedBatches == 0 ? 0 : AckWaitMicros / AckedBatches)} us max {MaxAckWaitMicros} us)";
}
