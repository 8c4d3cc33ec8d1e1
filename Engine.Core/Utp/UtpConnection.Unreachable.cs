namespace Engine.Core.Utp;

internal sealed partial class UtpConnection
{
    private string? _unreachable;
    private long _unreachableAt;
    private bool _punching;

    /// <summary>
    /// An ICMP error came back for a datagram we sent the peer (<paramref name="what"/>: "port unreachable", …). A connect
    /// fails at once: the SYN cannot arrive, and waiting out its timeouts only delays the dial's fallback. An open
    /// connection takes it as a hint only, as TCP does with ICMP errors (the shell passes on only errors quoting this
    /// connection's id, but a stale or on-path one is possible): it fails at its next retransmission timeout if nothing
    /// has come from the peer since, instead of after <see cref="UtpSettings.MaxTimeouts"/> of them (a minute). A hole punch's connect ignores
    /// them: its first SYNs reach the peer's NAT before the peer's own SYN has opened it, and a NAT that rejects (as
    /// OpenWrt's default firewall does) answers them with "port unreachable" while the next SYN gets through.
    /// </summary>
    public void OnUnreachable(string what, long nowMicros)
    {
        if (IsFinished) return;
        if (State == UtpState.SynSent)
        {
            if (!_punching) Fail($"the peer is unreachable over uTP ({what})");
            return;
        }
        _unreachable = what;
        _unreachableAt = nowMicros;
    }

    /// <summary>At a retransmission timeout: did an ICMP error come since the peer last said anything?</summary>
    private bool FailIfUnreachable()
    {
        if (_unreachable is null || _unreachableAt < _lastReceivedMicros) return false;
        Fail($"the peer stopped answering and is unreachable ({_unreachable})");
        return true;
    }
}
