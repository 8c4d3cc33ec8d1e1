using Engine.Core.Utp;

namespace Engine.Tests.Core.Utp;

public sealed class UtpStatsTests
{
    [Fact]
    public void A_clean_transfer_counts_every_packet_once_and_acknowledges_them_in_batches()
    {
        var link = new UtpLink(21, delayMicros: 5_000);
        link.InitiatorSide.Outbox = new byte[300_000];
        Assert.True(link.RunUntil(() => link.AcceptorSide.Inbox.Length == 300_000));
        link.RunUntil(() => false, 100_000); // the last ACKs come back
        var sender = link.Initiator.Stats;
        var receiver = link.Acceptor!.Stats;
        Assert.Equal((300_000 + 1399) / 1400, receiver.DataReceived);
        Assert.Equal(receiver.DataReceived + 1, sender.DataSent); // and the SYN
        Assert.Equal(0, sender.Resent);
        Assert.InRange(receiver.AckedBatches, 1, receiver.DataReceived - 1); // packets that arrive together share an ACK
        Assert.Equal(receiver.AcksSent, sender.AcksReceived);
        Assert.InRange(receiver.MaxAckWaitMicros, 0, 1_000); // acknowledged at the next flush, one step of the link
    }

    [Fact]
    public void A_reader_that_stops_reading_shows_as_time_limited_by_the_peers_window()
    {
        var link = new UtpLink(22, settings: new UtpSettings(ReceiveBuffer: 64 * 1024));
        link.InitiatorSide.Outbox = new byte[1_000_000];
        link.AcceptorSide.Paused = true;
        link.RunUntil(() => false, 3_000_000);
        var stats = link.Initiator.Stats;
        Assert.True(stats.LimitedMicros(UtpSendLimit.PeerWindow) > 2_000_000, stats.ToString());
        Assert.True(stats.LimitedMicros(UtpSendLimit.Burst) < 100_000, stats.ToString());
    }
}
