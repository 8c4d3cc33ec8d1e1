using System.Net;
using System.Net.Sockets;
using Engine.Datagrams;
using Engine.Utp;

namespace Engine.Tests.Utp;

/// <summary>
/// UDP GSO on real loopback sockets: datagrams gathered for one receiver leave in one send and arrive byte-exact and in
/// order, joined where the receiver asked for <c>UDP_GRO</c> and one by one where it did not.
/// </summary>
public sealed class SegmentSenderTests : IDisposable
{
    private readonly Socket _from = Bound();
    private readonly List<Socket> _receivers = new();

    public void Dispose()
    {
        _from.Dispose();
        foreach (var r in _receivers) r.Dispose();
    }

    private static Socket Bound()
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        s.ReceiveBufferSize = 4 << 20;
        return s;
    }

    private Socket Receiver(bool coalescing)
    {
        var r = Bound();
        if (coalescing) Assert.True(BatchReceiver.CoalesceReceives(r));
        _receivers.Add(r);
        return r;
    }

    private static byte[] Datagram(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Every slot <paramref name="receiver"/> holds within a second: its bytes and its segment size.</summary>
    private static List<(byte[] Bytes, int Segment)> Slots(Socket receiver)
    {
        using var batch = new BatchReceiver();
        var slots = new List<(byte[], int)>();
        var quietSince = DateTime.UtcNow;
        while (DateTime.UtcNow - quietSince < TimeSpan.FromMilliseconds(300))
        {
            var n = batch.Receive(receiver);
            for (var i = 0; i < n; i++) slots.Add((batch.Datagram(i).ToArray(), batch.SegmentSize(i)));
            if (n > 0) quietSince = DateTime.UtcNow;
            else Thread.Sleep(5);
        }
        return slots;
    }

    /// <summary>The datagrams the slots hold, joined ones cut apart at their segment size.</summary>
    private static List<byte[]> Split(List<(byte[] Bytes, int Segment)> slots)
    {
        var datagrams = new List<byte[]>();
        foreach (var (bytes, segment) in slots)
            for (var offset = 0; offset < bytes.Length; offset += segment > 0 ? segment : bytes.Length)
                datagrams.Add(bytes.AsSpan(offset, Math.Min(segment > 0 ? segment : bytes.Length, bytes.Length - offset)).ToArray());
        return datagrams;
    }

    [Fact]
    public void Thirty_equal_datagrams_and_a_shorter_last_leave_in_one_send_and_reach_a_coalescing_receiver_in_one_piece()
    {
        var receiver = Receiver(coalescing: true);
        var to = receiver.LocalEndPoint!.Serialize();
        var sender = new SegmentSender(segmentation: true);
        var sent = Enumerable.Range(0, 30).Select(i => Datagram(1420, i)).Append(Datagram(500, 99)).ToList();
        foreach (var d in sent) sender.Add(_from, d, to);
        sender.Flush(_from);

        Assert.Equal(1, sender.SegmentedSends);
        Assert.Equal(31, sender.SegmentedDatagrams);
        var slots = Slots(receiver);
        var slot = Assert.Single(slots);
        Assert.Equal(1420, slot.Segment);
        Assert.Equal(sent.SelectMany(d => d).ToArray(), slot.Bytes);
        var option = new byte[4];
        _from.GetRawSocketOption(0, 10, option); // IP_MTU_DISCOVER: "don't fragment" was for that send only
        Assert.Equal(1, BitConverter.ToInt32(option)); // IP_PMTUDISC_WANT, Linux's default
    }

    [Fact]
    public void Mixed_destinations_sizes_and_a_long_burst_arrive_one_by_one_byte_exact_and_in_order_where_the_receiver_does_not_coalesce()
    {
        var a = Receiver(coalescing: false);
        var b = Receiver(coalescing: false);
        var (toA, toB) = (a.LocalEndPoint!.Serialize(), b.LocalEndPoint!.Serialize());
        var sender = new SegmentSender(segmentation: true);
        var forA = new List<byte[]>();
        var forB = new List<byte[]>();
        var seed = 0;
        void Send(SocketAddress to, int length)
        {
            var d = Datagram(length, seed++);
            (to == toA ? forA : forB).Add(d);
            sender.Add(_from, d, to);
        }
        for (var i = 0; i < 5; i++) Send(toA, 1000);
        for (var i = 0; i < 3; i++) Send(toB, 1000);     // another destination: A's go first
        Send(toA, 1200);                                    // larger than the gathered ones: they go first
        Send(toA, 1200);
        Send(toA, 300);                                     // shorter: the last of its send
        Send(toA, 300);
        for (var i = 0; i < 150; i++) Send(toA, 400);       // more than 64 datagrams: several sends
        sender.Flush(_from);

        Assert.Equal(forA, Split(Slots(a)));
        Assert.Equal(forB, Split(Slots(b)));
        Assert.InRange(sender.SegmentedSends, 6, 10);
    }

    [Fact]
    public void A_datagram_that_may_not_fit_the_path_goes_alone_after_the_gathered_ones_and_without_segmentation_each_goes_alone()
    {
        var receiver = Receiver(coalescing: true);
        var to = receiver.LocalEndPoint!.Serialize();
        var sender = new SegmentSender(segmentation: true);
        var sent = Enumerable.Range(0, 6).Select(i => Datagram(1000, i)).ToList();
        for (var i = 0; i < 6; i++) sender.Add(_from, sent[i], to, segmentable: i != 3);
        sender.Flush(_from);

        var slots = Slots(receiver);
        Assert.Equal([3000, 1000, 2000], slots.Select(s => s.Bytes.Length));
        Assert.Equal([1000, 0, 1000], slots.Select(s => s.Segment));
        Assert.Equal(sent, Split(slots));
        Assert.Equal(2, sender.SegmentedSends);

        var plain = new SegmentSender(segmentation: false);
        foreach (var d in sent) plain.Add(_from, d, to);
        plain.Flush(_from);
        Assert.Equal(0, plain.SegmentedSends);
        Assert.Equal(sent, Slots(receiver).Select(s => s.Segment == 0 ? s.Bytes : []).ToList());
    }
}
