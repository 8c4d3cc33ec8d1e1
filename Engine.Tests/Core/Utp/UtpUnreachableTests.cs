using Engine.Core.Utp;
using static Engine.Tests.Core.Wire.WireSamples;

namespace Engine.Tests.Core.Utp;

/// <summary>
/// ICMP errors for a connection's datagrams (<see cref="UtpConnection.OnUnreachable"/>): a connect fails at once, an
/// open connection only when the peer has also gone silent, and never while the peer still talks.
/// </summary>
public sealed class UtpUnreachableTests
{
    [Fact]
    public void A_connect_whose_syn_comes_back_unreachable_fails_at_once_with_the_reason()
    {
        var link = new UtpLink(11, loss: 1.0);
        link.Initiator.OnUnreachable("ICMP port unreachable", link.Now);
        Assert.Equal(UtpState.Failed, link.Initiator.State);
        Assert.Equal("the peer is unreachable over uTP (ICMP port unreachable)", link.Initiator.Error);
        Assert.Equal(1, link.Datagrams); // the SYN, and no second one after a second
    }

    [Fact]
    public void A_hole_punchs_connect_outlives_the_port_unreachable_of_the_peers_nat_and_connects_on_a_later_syn()
    {
        var link = new UtpLink(14, loss: 1.0, punching: true);
        link.Initiator.OnUnreachable("ICMP port unreachable", link.Now); // the peer's NAT, not yet opened by the peer's own SYN
        Assert.Equal(UtpState.SynSent, link.Initiator.State);
        link.Loss = 0; // now it is open
        Assert.True(link.RunUntil(() => link.Initiator.State == UtpState.Connected, 5_000_000));
    }

    [Fact]
    public void A_silent_peer_that_is_also_unreachable_fails_at_the_next_timeout_not_after_a_minute_of_retries()
    {
        var link = new UtpLink(12);
        link.InitiatorSide.Outbox = Bytes(200_000, 12);
        Assert.True(link.RunUntil(() => link.AcceptorSide.Inbox.Length > 10_000));
        link.Loss = 1.0; // the peer's process is gone: nothing comes back but the ICMP error
        Assert.False(link.RunUntil(() => false, 50_000)); // what it sent before has arrived; our next datagram is refused
        var gone = link.Now;
        link.Initiator.OnUnreachable("ICMP port unreachable", link.Now);
        Assert.Equal(UtpState.Connected, link.Initiator.State); // a hint, not a verdict
        Assert.True(link.RunUntil(() => link.Initiator.IsFinished, 120_000_000, 10_000));
        Assert.Equal("the peer stopped answering and is unreachable (ICMP port unreachable)", link.Initiator.Error);
        Assert.InRange(link.Now - gone, 0, 3_000_000); // the first retransmission timeout, where 6 of them take a minute
    }

    [Fact]
    public void A_forged_or_stale_error_does_not_end_a_connection_whose_peer_keeps_answering()
    {
        var link = new UtpLink(13);
        var data = Bytes(400_000, 13);
        link.InitiatorSide.Outbox = data;
        Assert.True(link.RunUntil(() => link.AcceptorSide.Inbox.Length > 10_000));
        link.Initiator.OnUnreachable("ICMP port unreachable", link.Now);
        var before = link.AcceptorSide.Inbox.Length;
        Assert.True(link.RunUntil(() => link.AcceptorSide.Inbox.Length > before + 10_000)); // the peer answered since
        var timeouts = link.Initiator.Stats.Timeouts;
        link.Loss = 1.0; // then a blackout: nothing comes back until a retransmission timeout
        Assert.True(link.RunUntil(() => link.Initiator.Stats.Timeouts > timeouts, 10_000_000));
        link.Loss = 0;
        Assert.True(link.RunUntil(() => link.AcceptorSide.Inbox.Length == data.Length, 300_000_000, 1_000));
        Assert.Equal(UtpState.Connected, link.Initiator.State);
        Assert.Equal(data, link.AcceptorSide.Inbox.ToArray());
    }
}
