using System.Net;
using System.Net.Sockets;
using Engine.Datagrams;

namespace Engine.Tests.Datagrams;

/// <summary>recvmmsg on a real loopback socket: every waiting datagram comes back with its bytes and its sender.</summary>
public sealed class BatchReceiverTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Datagrams_from_two_senders_come_back_in_batches_with_their_bytes_and_senders(string loopback)
    {
        Assert.True(BatchReceiver.IsSupported, "these tests run on 64-bit Linux");
        var address = IPAddress.Parse(loopback);
        using var receiver = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
        receiver.Bind(new IPEndPoint(address, 0));
        receiver.ReceiveBufferSize = 1 << 20;
        using var a = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        using var b = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        a.Bind(new IPEndPoint(address, 0));
        b.Bind(new IPEndPoint(address, 0));
        const int count = 50; // more than one batch
        for (var i = 0; i < count; i++)
            (i % 2 == 0 ? a : b).SendTo(Payload(i), receiver.LocalEndPoint!);

        using var batch = new BatchReceiver();
        var sender = new SocketAddress(address.AddressFamily);
        var any = new IPEndPoint(address.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        var got = new List<(byte[] Bytes, IPEndPoint From)>();
        var calls = 0;
        for (var until = DateTime.UtcNow + TimeSpan.FromSeconds(5); got.Count < count && DateTime.UtcNow < until;)
        {
            var n = batch.Receive(receiver);
            if (n > 0) calls++;
            for (var i = 0; i < n; i++)
            {
                Assert.False(batch.Truncated(i));
                batch.CopySender(i, sender);
                got.Add((batch.Datagram(i).ToArray(), (IPEndPoint)any.Create(sender)));
            }
            if (n == 0) Thread.Sleep(10);
        }

        Assert.Equal(count, got.Count);
        Assert.InRange(calls, 2, count / 2); // batches, not one call per datagram
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(Payload(i), got[i].Bytes);
            Assert.Equal((i % 2 == 0 ? a : b).LocalEndPoint, got[i].From);
        }
    }

    [Fact]
    public void Nothing_waiting_returns_zero_at_once_and_the_largest_datagram_comes_whole()
    {
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var batch = new BatchReceiver();
        Assert.Equal(0, batch.Receive(receiver));

        using var a = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var largest = new byte[65535 - 20 - 8]; // all an IPv4 datagram holds: a slot takes it
        new Random(3).NextBytes(largest);
        a.SendTo(largest, receiver.LocalEndPoint!);
        a.SendTo(Payload(7), receiver.LocalEndPoint!);
        var n = 0;
        for (var until = DateTime.UtcNow + TimeSpan.FromSeconds(5); n < 2 && DateTime.UtcNow < until; Thread.Sleep(10)) n = batch.Receive(receiver);

        Assert.Equal(2, n);
        Assert.False(batch.Truncated(0));
        Assert.Equal(largest, batch.Datagram(0).ToArray());
        Assert.Equal(0, batch.SegmentSize(0)); // one datagram, not joined ones
        Assert.Equal(Payload(7), batch.Datagram(1).ToArray());
    }

    private static byte[] Payload(int i)
    {
        var bytes = new byte[20 + i * 29];
        for (var k = 0; k < bytes.Length; k++) bytes[k] = (byte)(i * 7 + k);
        return bytes;
    }
}
