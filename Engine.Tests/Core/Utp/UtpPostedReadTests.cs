using Engine.Core.Utp;

namespace Engine.Tests.Core.Utp;

/// <summary>A posted read: in-order payloads go straight into the reader's buffer, in order with what had to queue.</summary>
public sealed class UtpPostedReadTests
{
    private static readonly UtpHeader Syn = new(UtpPacketType.Syn, 0, 100, 1, 0, 1 << 20, 7, 0);

    private static byte[] Payload(int length, byte fill) => Enumerable.Repeat(fill, length).ToArray();

    private static void Data(UtpConnection c, ushort seq, byte[] payload) =>
        c.OnPacket(new UtpHeader(UtpPacketType.Data, 0, 100, 2, 0, 1 << 20, seq, 49), [], payload, 2000 + seq);

    [Fact]
    public void In_order_and_drained_early_payloads_fill_the_posted_buffer_and_what_does_not_fit_queues_behind_them()
    {
        var c = UtpConnection.Accept(new UtpRecorder(), Syn, 50, 1000);
        var buffer = new byte[4000];
        c.Post(buffer);
        Assert.False(c.Readable);
        Data(c, 8, Payload(1000, 1));
        Assert.True(c.Readable);
        Data(c, 10, Payload(1000, 3));  // early: waits in its slot
        Data(c, 9, Payload(1000, 2));   // in order, then 10 drains behind it
        Data(c, 11, Payload(1500, 4));  // 1 000 bytes of room left: queues
        Data(c, 12, Payload(500, 5));   // would fit, but 11 queued before it: queues too
        Assert.Throws<InvalidOperationException>(() => c.Read(new byte[10])); // would take queued bytes before the posted ones
        Assert.Equal(3000, c.TakePosted());
        Assert.Equal(Payload(1000, 1).Concat(Payload(1000, 2)).Concat(Payload(1000, 3)), buffer.Take(3000));
        var rest = new byte[4000];
        Assert.Equal(2000, c.Read(rest));
        Assert.Equal(Payload(1500, 4).Concat(Payload(500, 5)), rest.Take(2000));
        Assert.Equal(0, c.TakePosted()); // taken once
    }

    [Fact]
    public void A_posted_buffer_too_small_for_the_first_packet_takes_its_head_from_the_queue()
    {
        var c = UtpConnection.Accept(new UtpRecorder(), Syn, 50, 1000);
        var buffer = new byte[600];
        c.Post(buffer);
        Data(c, 8, Payload(1000, 9));
        Assert.True(c.Readable);
        Assert.Equal(600, c.TakePosted());
        Assert.Equal(Payload(600, 9), buffer);
        Assert.Equal(400, c.Read(new byte[1000]));
    }

    [Fact]
    public void A_close_forgets_the_posted_buffer_and_a_fin_in_order_makes_the_read_end()
    {
        var closed = UtpConnection.Accept(new UtpRecorder(), Syn, 50, 1000);
        closed.Post(new byte[4000]);
        Data(closed, 8, Payload(100, 1));
        closed.Close(5000);
        Assert.Equal(0, closed.TakePosted());

        var ended = UtpConnection.Accept(new UtpRecorder(), Syn, 50, 1000);
        ended.Post(new byte[4000]);
        ended.OnPacket(new UtpHeader(UtpPacketType.Fin, 0, 100, 2, 0, 1 << 20, 8, 49), [], [], 3000);
        Assert.True(ended.Readable);
        Assert.Equal(0, ended.TakePosted());
        Assert.True(ended.ReadEnded);
    }
}
