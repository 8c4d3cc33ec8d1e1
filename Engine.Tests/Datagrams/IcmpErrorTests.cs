using System.Net;
using System.Net.Sockets;
using Engine.Core.Peers;
using Engine.Datagrams;
using Engine.Tests.Support;

namespace Engine.Tests.Datagrams;

/// <summary>
/// ICMP errors on a real loopback socket (<see cref="BatchReceiver.ReportErrors"/>, <see cref="BatchReceiver.TryReadError"/>):
/// a datagram to a closed port comes back as "port unreachable" naming where it went; the control-message parser
/// skips what is not an extended error.
/// </summary>
public sealed class IcmpErrorTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void A_datagram_to_a_closed_port_comes_back_as_port_unreachable_naming_its_destination(string loopback)
    {
        Assert.True(BatchReceiver.IsSupported, "these tests run on 64-bit Linux");
        var target = IPAddress.Parse(loopback);
        var family = target.AddressFamily;
        using var socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
        socket.Bind(new IPEndPoint(target, 0));
        Assert.True(BatchReceiver.ReportErrors(socket));
        var closed = FreePorts.ClosedUdp(target);
        socket.SendTo(new byte[] { 1, 2, 3 }, closed);

        using var batch = new BatchReceiver();
        Assert.True(BatchReceiver.WaitReadable(socket, 5000, out var errorQueued));
        Assert.True(errorQueued);
        var destination = new SocketAddress(family);
        Assert.True(batch.TryReadError(socket, destination, out var error));
        Assert.Equal("ICMP port unreachable", error.Unreachable);
        Assert.Equal([1, 2, 3], batch.ErrorPayload.ToArray()); // the error quotes the datagram it is about
        var any = new IPEndPoint(family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        Assert.Equal(closed, PeerAddress.Normalize((IPEndPoint)any.Create(destination)));
        Assert.False(batch.TryReadError(socket, destination, out _)); // one error, read once
        Assert.False(BatchReceiver.WaitReadable(socket, 0, out _));
    }

    [Fact]
    public void On_a_dual_stack_socket_an_ipv4_peers_closed_port_is_reported_with_its_ipv4_address()
    {
        using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { Blocking = false, DualMode = true };
        socket.Bind(new IPEndPoint(IPAddress.Loopback.MapToIPv6(), 0)); // the v4-mapped loopback: bound to 127.0.0.1 only
        Assert.True(BatchReceiver.ReportErrors(socket));
        var closed = FreePorts.ClosedUdp(IPAddress.Loopback);
        socket.SendTo(new byte[] { 1 }, new IPEndPoint(closed.Address.MapToIPv6(), closed.Port));

        using var batch = new BatchReceiver();
        Assert.True(BatchReceiver.WaitReadable(socket, 5000, out var errorQueued) && errorQueued);
        var destination = new SocketAddress(AddressFamily.InterNetworkV6);
        Assert.True(batch.TryReadError(socket, destination, out var error));
        Assert.Equal("ICMP port unreachable", error.Unreachable);
        Assert.Equal(closed, PeerAddress.Normalize((IPEndPoint)new IPEndPoint(IPAddress.IPv6Any, 0).Create(destination)));
    }

    [Fact]
    public void A_pending_error_is_reported_by_the_next_receive_which_still_returns_the_waiting_datagrams()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Assert.True(BatchReceiver.ReportErrors(socket));
        using var friend = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        friend.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.SendTo(new byte[] { 1 }, FreePorts.ClosedUdp(IPAddress.Loopback));
        Assert.True(BatchReceiver.WaitReadable(socket, 5000, out _));
        friend.SendTo(new byte[] { 42 }, socket.LocalEndPoint!);
        Thread.Sleep(50);

        using var batch = new BatchReceiver();
        Assert.Equal(1, batch.Receive(socket));
        Assert.True(batch.ErrorReported);
        Assert.Equal([42], batch.Datagram(0).ToArray());
        Assert.True(batch.TryReadError(socket, new SocketAddress(AddressFamily.InterNetwork), out _));
    }

    [Fact]
    public void The_parser_finds_the_extended_error_after_other_control_messages_and_ignores_truncated_ones()
    {
        var control = new byte[64];
        WriteCmsg(control, 0, level: 1, type: 29, dataLength: 8);                 // SOL_SOCKET, SO_TIMESTAMPNS: skipped
        WriteCmsg(control, 24, level: 0, type: 11, dataLength: 16);               // SOL_IP, IP_RECVERR
        BitConverter.TryWriteBytes(control.AsSpan(40), 111);                      // ECONNREFUSED
        control[44] = 2; control[45] = 3; control[46] = 3;                        // origin ICMP, type 3, code 3
        BitConverter.TryWriteBytes(control.AsSpan(48), 1300);                     // ee_info
        Assert.True(IcmpError.TryRead(control, out var error));
        Assert.Equal(new IcmpError(111, 2, 3, 3, 1300), error);
        Assert.Equal("ICMP port unreachable", error.Unreachable);
        Assert.Null(error.PacketTooBigMtu);
        Assert.Null((error with { Errno = 90 }).Unreachable);                     // EMSGSIZE: fragmentation needed, not unreachable
        Assert.Equal(1300, (error with { Errno = 90, Code = 4 }).PacketTooBigMtu); // ... whose ee_info is the next hop's MTU
        Assert.Null((error with { Origin = 1 }).Unreachable);                     // a local error
        Assert.False(IcmpError.TryRead(control.AsSpan(0, 30), out _));            // the second message cut short
        WriteCmsg(control, 0, level: 0, type: 11, dataLength: 200);               // a length beyond the buffer
        Assert.False(IcmpError.TryRead(control, out _));
    }

    private static void WriteCmsg(byte[] into, int offset, int level, int type, int dataLength)
    {
        BitConverter.TryWriteBytes(into.AsSpan(offset), (ulong)(16 + dataLength));
        BitConverter.TryWriteBytes(into.AsSpan(offset + 8), level);
        BitConverter.TryWriteBytes(into.AsSpan(offset + 12), type);
    }
}
