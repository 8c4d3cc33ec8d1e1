namespace Engine.Core.Utp;

internal sealed partial class UtpConnection
{
    /// <summary>How many packets a burst grows by each time the peer answers one that was used up.</summary>
    public const int BurstGrowth = 2;

    /// <summary>Packets that may still leave before the peer is heard from again (<see cref="_burstLimit"/> at each datagram from it).</summary>
    private int _burstLeft;
    private int _burstLimit;
    /// <summary>What the bursts may grow to: <see cref="UtpSettings.MaxGrownBurst"/>, lowered by each loss (<see cref="SettleBurst"/>).</summary>
    private int _burstCeiling;

    /// <summary>Packets that may leave between two datagrams from the peer now.</summary>
    public int BurstLimit => _burstLimit;

    /// <summary>What <see cref="BurstLimit"/> may grow to while nothing more is lost.</summary>
    public int BurstCeiling => _burstCeiling;

    /// <summary>
    /// The peer was heard from: a new burst may go. If the last one was used up before it answered, the burst was what
    /// held the sender back, and the peer's socket took all of it: the next may be larger, up to the ceiling.
    /// </summary>
    private void RenewBurst()
    {
        if (_burstLeft <= 0 && _burstLimit < _burstCeiling)
            _burstLimit = Math.Min(_burstCeiling, _burstLimit + BurstGrowth);
        _burstLeft = _burstLimit;
    }

    /// <summary>
    /// A packet was lost, or a timeout came: perhaps a socket that overflowed. Bursts go back to their first size and may
    /// grow again, but only to three quarters of the size that met the loss: a receiver whose buffer takes less than the
    /// grown bursts costs a loss or two before they stay under what it takes, and a lossy path brings them down to
    /// <see cref="UtpSettings.MaxBurst"/>, where they stay.
    /// </summary>
    private void SettleBurst()
    {
        // Only from a grown burst: the second packet lost in one overflow finds the burst back at its first size already.
        if (_burstLimit > _settings.MaxBurst) _burstCeiling = Math.Max(_settings.MaxBurst, Math.Min(_burstCeiling, _burstLimit * 3 / 4));
        _burstLimit = _settings.MaxBurst;
        _burstLeft = Math.Min(_burstLeft, _burstLimit);
    }
}
