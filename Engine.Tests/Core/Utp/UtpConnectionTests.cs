using Engine.Core.Utp;
using static Engine.Tests.Core.Wire.WireSamples;

namespace Engine.Tests.Core.Utp;

public sealed class UtpConnectionTests
{
    [Fact]
    public void A_connect_is_answered_and_both_sides_are_connected()
    {
        var link = new UtpLink(1);
        Assert.True(link.RunUntil(() => link.Initiator.State == UtpState.Connected && link.Acceptor is not null));
        Assert.Equal(UtpState.Connected, link.Acceptor!.State);
        Assert.Equal((ushort)(link.Initiator.ReceiveId + 1), link.Initiator.SendId);
        Assert.Equal(link.Initiator.SendId, link.Acceptor.ReceiveId);
        Assert.Equal(link.Initiator.ReceiveId, link.Acceptor.SendId);
    }

    [Fact]
    public void An_accepted_connection_is_half_open_until_the_peer_says_more_and_only_then_survives_being_abandoned()
    {
        var syn = new UtpHeader(UtpPacketType.Syn, 0, 100, 1, 0, 65536, 7, 0);
        var silentOutput = new UtpRecorder();
        var silent = UtpConnection.Accept(silentOutput, syn, 50, 1000);
        Assert.False(silent.PeerConfirmed);
        silent.OnPacket(syn, [], [], 2000); // the SYN again: still nothing but a SYN
        Assert.False(silent.PeerConfirmed);
        var output = new UtpRecorder();
        var spoken = UtpConnection.Accept(output, syn, 50, 1000);
        spoken.OnPacket(new UtpHeader(UtpPacketType.Data, 0, 100, 2, 0, 65536, 7, 50), [], [1, 2, 3], 3000);
        Assert.True(spoken.PeerConfirmed);

        var (silentAnswers, answers) = (silentOutput.Sent.Count, output.Sent.Count);
        silent.Abandon("flood");
        spoken.Abandon("flood");
        Assert.Equal((UtpState.Failed, "flood"), (silent.State, silent.Error));
        Assert.Equal(UtpState.Connected, spoken.State);
        Assert.Equal((silentAnswers, answers), (silentOutput.Sent.Count, output.Sent.Count)); // no RESET to a forged address
    }

    [Fact]
    public void Bytes_cross_both_ways_in_order_on_a_clean_link()
    {
        var link = new UtpLink(2);
        var up = Bytes(300_000, 1);
        var down = Bytes(200_000, 2);
        link.InitiatorSide.Outbox = up;
        link.AcceptorSide.Outbox = down;
        Assert.True(link.RunUntil(() => link.AcceptorSide.Inbox.Length == up.Length && link.InitiatorSide.Inbox.Length == down.Length));
        Assert.Equal(up, link.AcceptorSide.Inbox.ToArray());
        Assert.Equal(down, link.InitiatorSide.Inbox.ToArray());
    }

    [Theory]
    [InlineData(0.02, 0.0, 0, false)]
    [InlineData(0.10, 0.05, 4_000, false)]
    [InlineData(0.0, 0.2, 20_000, false)]
    [InlineData(0.25, 0.1, 30_000, false)]
    [InlineData(0.10, 0.05, 4_000, true)]
    [InlineData(0.25, 0.1, 30_000, true)]
    public void Loss_duplication_and_reordering_never_corrupt_or_lose_a_byte(double loss, double duplicate, long jitter, bool postedReads)
    {
        for (var seed = 0; seed < 12; seed++)
        {
            var link = new UtpLink(seed, loss, duplicate, delayMicros: 15_000, jitterMicros: jitter, settings: new UtpSettings(ConnectAttempts: 8));
            var up = Bytes(120_000 + seed * 977, seed);
            var down = Bytes(40_000 + seed * 313, seed + 100);
            link.InitiatorSide.Outbox = up;
            link.AcceptorSide.Outbox = down;
            link.InitiatorSide.PostedReads = link.AcceptorSide.PostedReads = postedReads;
            var done = link.RunUntil(() => link.AcceptorSide.Inbox.Length >= up.Length && link.InitiatorSide.Inbox.Length >= down.Length, 600_000_000);
            Assert.True(done, $"seed {seed}: {link.AcceptorSide.Inbox.Length}/{up.Length} up, {link.InitiatorSide.Inbox.Length}/{down.Length} down, " +
                $"initiator {link.Initiator}; acceptor {link.Acceptor}");
            Assert.Equal(up, link.AcceptorSide.Inbox.ToArray());
            Assert.Equal(down, link.InitiatorSide.Inbox.ToArray());
        }
    }

    [Fact]
    public void A_fin_ends_the_readers_stream_after_the_last_byte_and_both_sides_close()
    {
        var link = new UtpLink(3, loss: 0.05, jitterMicros: 5_000);
        var data = Bytes(50_000, 3);
        link.InitiatorSide.Outbox = data;
        link.InitiatorSide.CloseWhenWritten = true;
        Assert.True(link.RunUntil(() => link.Acceptor is { ReadEnded: true }, 300_000_000));
        Assert.Equal(data, link.AcceptorSide.Inbox.ToArray());
        link.Acceptor!.Close(link.Now);
        Assert.True(link.RunUntil(() => link.Initiator.IsFinished && link.Acceptor.IsFinished, 300_000_000));
        Assert.True(link.Initiator.State == UtpState.Closed && link.Acceptor.State == UtpState.Closed, $"initiator {link.Initiator}; acceptor {link.Acceptor}");
    }

    [Fact]
    public void After_our_fin_the_ack_of_the_peers_fin_goes_under_the_fins_number_and_the_next()
    {
        // libtorrent's FIN takes no sequence number and it drops any packet numbered past the FIN it has, an ACK too;
        // libutp's FIN takes one and it drops a packet numbered as that FIN. Each must see the ACK of its own FIN.
        var link = new UtpLink(13);
        link.InitiatorSide.SentHeaders = [];
        link.InitiatorSide.Outbox = Bytes(20_000, 13);
        link.InitiatorSide.CloseWhenWritten = true;
        Assert.True(link.RunUntil(() => link.Acceptor is { ReadEnded: true }));
        link.Acceptor!.Close(link.Now);
        Assert.True(link.RunUntil(() => link.Initiator.IsFinished && link.Acceptor.IsFinished));
        var sent = link.InitiatorSide.SentHeaders;
        var fin = sent.Single(h => h.Type == UtpPacketType.Fin).SeqNr;
        var acksAfter = sent.SkipWhile(h => h.Type != UtpPacketType.Fin).Where(h => h.Type == UtpPacketType.State).ToList();
        Assert.Contains(acksAfter, h => h.SeqNr == fin);
        Assert.Contains(acksAfter, h => h.SeqNr == (ushort)(fin + 1));
        Assert.Equal(UtpState.Closed, link.Initiator.State);
    }

    [Fact]
    public void A_hole_is_first_reported_by_an_ack_naming_four_packets_past_it()
    {
        // libtorrent's sender gives up early resends it could not send at once when they come from three duplicate
        // ACKs, not when they come from a selective ACK naming more than three packets: the first report must be that.
        var link = new UtpLink(17, delayMicros: 5_000) { BottleneckBytesPerSecond = 1_000_000 }; // a packet every ~1.5 ms
        link.InitiatorSide.Outbox = Bytes(300_000, 17);
        Assert.True(link.RunUntil(() => link.AcceptorSide.Inbox.Length > 50_000));
        link.AcceptorSide.SentDatagrams = [];
        link.DropTowardsAcceptor = 1;
        Assert.True(link.RunUntil(() => link.AcceptorSide.Inbox.Length == 300_000));
        var firstReport = link.AcceptorSide.SentDatagrams.Select(b => UtpDatagram.TryParse(b, out var d) ? d.SelectiveAck.ToArray() : [])
            .First(sack => sack.Length > 0);
        Assert.True(firstReport.Sum(b => System.Numerics.BitOperations.PopCount(b)) >= 4,
            $"the first selective ACK names {firstReport.Sum(b => System.Numerics.BitOperations.PopCount(b))} packets");
    }

    [Fact]
    public void A_connect_nobody_answers_fails_after_two_syns_and_three_seconds()
    {
        var link = new UtpLink(4, loss: 1.0);
        var start = link.Now;
        Assert.True(link.RunUntil(() => link.Initiator.IsFinished, 10_000_000));
        Assert.Equal(UtpState.Failed, link.Initiator.State);
        Assert.Contains("no uTP answer", link.Initiator.Error);
        Assert.InRange(link.Now - start, 2_900_000, 3_200_000);
        Assert.Equal(2, link.Datagrams);
    }

    [Fact]
    public void A_peer_that_goes_silent_fails_the_connection_with_a_timeout_instead_of_hanging()
    {
        var link = new UtpLink(5);
        link.InitiatorSide.Outbox = Bytes(100_000, 5);
        Assert.True(link.RunUntil(() => link.AcceptorSide.Inbox.Length > 10_000));
        link.Loss = 1.0;
        Assert.True(link.RunUntil(() => link.Initiator.IsFinished, 300_000_000, 10_000));
        Assert.Equal(UtpState.Failed, link.Initiator.State);
        Assert.Contains("timed out", link.Initiator.Error);
    }

    [Fact]
    public void A_reset_fails_the_other_side_at_once()
    {
        var link = new UtpLink(6);
        Assert.True(link.RunUntil(() => link.Acceptor is { State: UtpState.Connected } && link.Initiator.State == UtpState.Connected));
        link.Acceptor!.Reset(link.Now);
        Assert.True(link.RunUntil(() => link.Initiator.IsFinished, 1_000_000));
        Assert.Contains("reset", link.Initiator.Error);
    }

    [Fact]
    public void A_reader_that_stops_reading_closes_the_window_and_the_writer_waits_without_losing_bytes()
    {
        var settings = new UtpSettings(ReceiveBuffer: 64 * 1024, SendBuffer: 128 * 1024);
        var link = new UtpLink(7, settings: settings);
        var data = Bytes(1_000_000, 7);
        link.InitiatorSide.Outbox = data;
        link.AcceptorSide.Paused = true;
        link.RunUntil(() => false, 5_000_000);
        Assert.Equal(0, link.AcceptorSide.Inbox.Length);
        Assert.InRange(link.InitiatorSide.Written, 64 * 1024, 64 * 1024 + 128 * 1024 + 1400);
        link.AcceptorSide.Paused = false;
        Assert.True(link.RunUntil(() => link.AcceptorSide.Inbox.Length == data.Length, 120_000_000));
        Assert.Equal(data, link.AcceptorSide.Inbox.ToArray());
    }

    [Fact]
    public void A_burst_loss_longer_than_a_selective_ack_recovers_within_a_few_round_trips_not_one_packet_per_timeout()
    {
        // A receiver's socket buffer that overflows loses hundreds of packets in a row: more than a selective ACK can name
        // (possible when bursts are not limited, here they are not).
        var settings = new UtpSettings(MaxWindow: 1 << 20, MaxBurst: 1 << 10);
        var link = new UtpLink(8, delayMicros: 5_000, settings: settings);
        var data = Bytes(4_000_000, 8);
        link.InitiatorSide.Outbox = data;
        Assert.True(link.RunUntil(() => link.AcceptorSide.Inbox.Length >= 1_000_000, 30_000_000));
        link.DropTowardsAcceptor = 300;
        var lossAt = link.Now;
        Assert.True(link.RunUntil(() => link.AcceptorSide.Inbox.Length == data.Length, 30_000_000), $"{link.AcceptorSide.Inbox.Length} of {data.Length}: {link.Initiator}");
        Assert.Equal(data, link.AcceptorSide.Inbox.ToArray());
        Assert.True(link.Now - lossAt < 5_000_000, $"recovery took {(link.Now - lossAt) / 1000} ms of a 10 ms round trip");
    }

    [Fact]
    public void A_wide_open_window_goes_out_at_most_a_burst_at_a_time_between_datagrams_from_the_peer()
    {
        var settings = new UtpSettings(MaxWindow: 1 << 20, MaxBurst: 5); // below the first window of 8 packets
        var link = new UtpLink(9, delayMicros: 50_000, settings: settings);
        Assert.True(link.RunUntil(() => link.Acceptor is { State: UtpState.Connected } && link.Initiator.State == UtpState.Connected));
        link.RunUntil(() => false, 200_000); // the handshake's last packets settle
        var before = link.DataTowardsAcceptor;
        link.InitiatorSide.Outbox = Bytes(1_000_000, 9);
        link.RunUntil(() => false, 90_000); // less than a round trip: nothing comes back meanwhile
        Assert.Equal(5, link.DataTowardsAcceptor - before);
        Assert.True(link.RunUntil(() => link.AcceptorSide.Inbox.Length == 1_000_000, 60_000_000));
    }

    [Fact]
    public void A_writer_that_was_idle_while_its_last_packets_were_acknowledged_sends_only_the_burst_at_once()
    {
        // A rate-limited writer: a chunk, then nothing until every packet of it is acknowledged. The ACKs free 100 packets,
        // but the next chunk must not leave as one burst of 100 (a receiver's socket buffer holds about 70 on Linux: a
        // version that let ACKs add to the burst broke uploads to libtorrent).
        var settings = new UtpSettings(MaxWindow: 1 << 20, MaxBurst: 5, MaxGrownBurst: 5); // bursts that do not grow
        var link = new UtpLink(12, delayMicros: 20_000, settings: settings);
        Assert.True(link.RunUntil(() => link.Acceptor is { State: UtpState.Connected } && link.Initiator.State == UtpState.Connected));
        link.InitiatorSide.Outbox = new byte[100 * 1400];
        Assert.True(link.RunUntil(() => link.AcceptorSide.Inbox.Length == 100 * 1400));
        link.RunUntil(() => false, 100_000); // the last ACKs come back; the writer is idle
        var before = link.DataTowardsAcceptor;
        link.InitiatorSide.Outbox = [.. link.InitiatorSide.Outbox, .. new byte[1_000_000]];
        link.RunUntil(() => false, 30_000); // less than a round trip: nothing comes back meanwhile
        Assert.Equal(5, link.DataTowardsAcceptor - before);
    }

    [Fact]
    public void Through_a_bottleneck_ledbat_fills_the_link_and_holds_its_queue_near_the_target_delay()
    {
        // 50 Mbit/s with 200 ms of buffer and 10 ms each way: TCP would fill the buffer; LEDBAT stops near its target.
        var link = new UtpLink(10, delayMicros: 10_000) { BottleneckBytesPerSecond = 6_250_000, BottleneckBufferMicros = 200_000 };
        link.InitiatorSide.Outbox = new byte[250_000_000];
        link.RunUntil(() => false, 10_000_000, 500);
        var before = link.AcceptorSide.Inbox.Length;
        var delays = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            link.RunUntil(() => false, 500_000, 500);
            delays.Add(link.QueueDelayMicros);
        }
        var rate = (link.AcceptorSide.Inbox.Length - before) / 10.0;
        Assert.True(rate >= 0.9 * 6_250_000 * 1400 / 1448, $"{rate / 1e6:F2} MB/s through a 6.25 MB/s link");
        delays.Sort();
        var median = delays[delays.Count / 2];
        Assert.InRange(median, Ledbat.TargetMicros / 3, Ledbat.TargetMicros * 3 / 2);
    }
}
