namespace Engine.Core.Utp;

internal sealed partial class UtpConnection
{
    /// <summary>How many packets a burst grows by each time the peer answers one that was used up.</summary>
    public const int BurstGrowth = 2;

    /// <summary>Packets that may still leave before the peer is heard from again (<see cref="_burstLimit"/> at each datagram from it).</summary>
    private int _burstLeft;
    private int _burstLimit;
    private bool _burstSettled;

    /// <summary>Packets that may leave between two datagrams from the peer now.</summary>
    public int BurstLimit => _burstLimit;

    /// <summary>
    /// The peer was heard from: a new burst may go. If the last one was used up before it answered, and nothing was ever
    /// lost, the burst was what held the sender back, and the peer's socket took all of it: the next may be larger.
    /// </summary>
    private void RenewBurst()
    {
        if (_burstLeft <= 0 && !_burstSettled && _burstLimit < _settings.MaxGrownBurst)
            _burstLimit = Math.Min(_settings.MaxGrownBurst, _burstLimit + BurstGrowth);
        _burstLeft = _burstLimit;
    }

    /// <summary>A packet was lost, or a timeout came: perhaps an overflowing socket, so bursts go back to their first size for good.</summary>
    private void SettleBurst()
    {
        _burstSettled = true;
        _burstLimit = _settings.MaxBurst;
        _burstLeft = Math.Min(_burstLeft, _burstLimit);
    }
}
