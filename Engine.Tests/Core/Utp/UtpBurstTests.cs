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
    public void A_loss_sets_the_bursts_back_and_they_grow_again_only_to_three_quarters_of_the_size_that_met_it()
    {
        var (link, data) = Sending(22, 8_000_000);
        Assert.True(link.RunUntil(() => link.Initiator.BurstLimit == 21, 30_000_000), link.Initiator.ToString());
        link.DropTowardsAcceptor = 3; // a socket that overflowed: three packets of one burst lost
        Assert.True(link.RunUntil(() => link.Initiator.BurstLimit == 5, 5_000_000), link.Initiator.ToString());
        Assert.True(link.RunUntil(() => link.AcceptorSide.Inbox.Length == data.Length, 60_000_000), link.Initiator.ToString());
        Assert.Equal(data, link.AcceptorSide.Inbox.ToArray());
        Assert.True(link.Initiator.Stats.Losses > 0);
        Assert.Equal(15, link.Initiator.BurstCeiling); // 21 * 3 / 4, once for the three packets of one overflow
        Assert.Equal(15, link.Initiator.BurstLimit); // millions of bytes later, lossless since: grown again, to the ceiling
    }

    [Fact]
    public void Losses_again_and_again_bring_the_bursts_down_to_their_first_size_for_good()
    {
        var (link, data) = Sending(24, 16_000_000);
        var ceilings = new List<int>();
        for (var i = 0; i < 10 && link.Initiator.BurstCeiling > 5; i++)
        {
            var ceiling = link.Initiator.BurstCeiling;
            Assert.True(link.RunUntil(() => link.Initiator.BurstLimit == ceiling, 30_000_000), link.Initiator.ToString());
            link.DropTowardsAcceptor = 1;
            Assert.True(link.RunUntil(() => link.Initiator.BurstCeiling < ceiling, 5_000_000), link.Initiator.ToString());
            ceilings.Add(link.Initiator.BurstCeiling);
        }
        Assert.Equal([15, 11, 8, 6, 5], ceilings);
        Assert.True(link.RunUntil(() => link.AcceptorSide.Inbox.Length == data.Length, 120_000_000), link.Initiator.ToString());
        Assert.Equal(data, link.AcceptorSide.Inbox.ToArray());
        Assert.Equal(5, link.Initiator.BurstLimit);
    }

    /// <summary>A link whose initiator has <paramref name="length"/> random bytes to send (seeded by <paramref name="seed"/>).</summary>
    private static (UtpLink Link, byte[] Data) Sending(int seed, int length)
    {
        var link = new UtpLink(seed, delayMicros: 5_000, settings: Growing);
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        link.InitiatorSide.Outbox = data;
        return (link, data);
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
