using System.Numerics;
using Engine.Core.Utp;

namespace Engine.Tests.Core.Utp;

public class UtpSelectiveAckTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(300)]
    [InlineData(1022)]
    public void The_selective_ack_names_every_packet_that_arrived_past_a_hole(int early)
    {
        // libtorrent's sender counts every packet a selective ACK leaves out as still in flight: a mask cut short
        // (it was 128 packets) filled its window during a long hole, and it went silent until its timeout.
        var syn = new UtpHeader(UtpPacketType.Syn, 0, 100, 1, 0, 1 << 20, 7, 0);
        var output = new UtpRecorder();
        var connection = UtpConnection.Accept(output, syn, 50, 1000);
        var now = 2000L;
        for (var i = 0; i < early; i++) // seq 8, the next expected, is lost
            connection.OnPacket(new UtpHeader(UtpPacketType.Data, 0, 100, 2, 0, 1 << 20, (ushort)(9 + i), 50), [], new byte[100], now++);
        connection.Flush(now + 100_000); // past the delay a held report waits for
        connection.Tick(now + 100_000);
        Assert.True(UtpDatagram.TryParse(output.Sent[^1], out var ack));
        Assert.Equal(UtpPacketType.State, ack.Header.Type);
        Assert.Equal(7, ack.Header.AckNr);
        var mask = ack.SelectiveAck.ToArray();
        Assert.Equal(0, mask.Length % 4);
        Assert.Equal(early, mask.Sum(b => BitOperations.PopCount(b)));
        var last = early - 1; // bit i is ack_nr + 2 + i: seq 9 is bit 0
        Assert.NotEqual(0, mask[last / 8] & (1 << (last % 8)));
    }
}
