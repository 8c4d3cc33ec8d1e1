using Engine.Core.Utp;

namespace Engine.Tests.Core.Utp;

public sealed class UtpBurstTests
{
    private static readonly UtpSettings Growing = new(MaxWindow: 1 << 20, MaxBurst: 5, MaxGrownBurst: 21);

    [Fact]
    public void A_peer_that_takes_every_burst_lets_the_bursts_grow_to_the_bound()
    {
        var link = new UtpLink(21, delayMicros: 5_000, settings: Growing);
        link.InitiatorSide.Outbox = new byte[4_000_000];
        Assert.True(link.RunUntil(() => link.AcceptorSide.Inbox.Length == 4_000_000, 30_000_000), link.Initiator.ToString());
        Assert.Equal(21, link.Initiator.BurstLimit);
    }

    [Fact]
    public void The_first_loss_sets_the_bursts_back_for_good()
    {
        var link = new UtpLink(22, delayMicros: 5_000, settings: Growing);
        var data = new byte[8_000_000];
        new Random(22).NextBytes(data);
        link.InitiatorSide.Outbox = data;
        Assert.True(link.RunUntil(() => link.Initiator.BurstLimit == 21, 30_000_000), link.Initiator.ToString());
        link.DropTowardsAcceptor = 3; // a socket that overflowed
        Assert.True(link.RunUntil(() => link.AcceptorSide.Inbox.Length == data.Length, 60_000_000), link.Initiator.ToString());
        Assert.Equal(data, link.AcceptorSide.Inbox.ToArray());
        Assert.Equal(5, link.Initiator.BurstLimit); // millions of bytes later, lossless since: still the first size
    }

    [Fact]
    public void Bursts_that_are_never_used_up_do_not_grow()
    {
        // A writer slower than the link: each chunk leaves in less than a burst once the last is acknowledged, so the burst
        // is not what holds it back.
        var link = new UtpLink(23, delayMicros: 5_000, settings: Growing);
        Assert.True(link.RunUntil(() => link.Acceptor is { State: UtpState.Connected } && link.Initiator.State == UtpState.Connected));
        for (var i = 1; i <= 50; i++)
        {
            link.InitiatorSide.Outbox = [.. link.InitiatorSide.Outbox, .. new byte[3 * 1400]];
            Assert.True(link.RunUntil(() => link.AcceptorSide.Inbox.Length == i * 3 * 1400, 5_000_000));
            link.RunUntil(() => false, 20_000); // its ACKs come back before the next chunk
        }
        Assert.Equal(5, link.Initiator.BurstLimit);
    }
}
