using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Akka.TestKit.Xunit2;
using Engine.Core.Utp;
using Engine.Datagrams;
using Engine.Runtime;
using Engine.Transports;
using Engine.Utp;

namespace Engine.Tests.Utp;

/// <summary>
/// Two multiplexers on real UDP ports of 127.0.0.1 (each behind a <see cref="UdpPort"/>): a connection carries bytes
/// both ways, and garbage, SYN floods and packets for unknown connections are dropped and counted while it does.
/// </summary>
public sealed class UtpMultiplexerTests : TestKit
{
    private (UtpMultiplexer Mux, IPEndPoint EndPoint) Port(Action<UtpTransport>? accepted = null)
    {
        var (mux, endPoint, _) = PortWithActor(accepted);
        return (mux, endPoint);
    }

    /// <summary>
    /// A multiplexer behind a port of 127.0.0.1, returned once bound: a SYN sent to a port whose actor has not started
    /// yet (a busy machine may take seconds) meets a closed port, and its ICMP error fails the connect at once.
    /// </summary>
    private (UtpMultiplexer Mux, IPEndPoint EndPoint, Akka.Actor.IActorRef Actor) PortWithActor(Action<UtpTransport>? accepted = null)
    {
        var endPoint = new IPEndPoint(IPAddress.Loopback, FreePort.ForTcpAndUdp(IPAddress.Loopback));
        var mux = new UtpMultiplexer { Accepted = accepted };
        var actor = Sys.ActorOf(UdpPort.Props(endPoint, mux));
        AwaitCondition(() => mux.IsAttached, TimeSpan.FromSeconds(20), $"the UDP port {endPoint} did not bind");
        return (mux, endPoint, actor);
    }

    private static async Task<byte[]> ReadAll(IPeerTransport t, int length)
    {
        var into = new byte[length];
        var filled = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (filled < length)
        {
            var n = await t.ReceiveAsync(into.AsMemory(filled), cts.Token);
            if (n == 0) throw new IOException($"ended after {filled} of {length} bytes");
            filled += n;
        }
        return into;
    }

    private static async Task<UtpTransport> ConnectAsync(UtpMultiplexer from, IPEndPoint to)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await from.ConnectAsync(to, cts.Token);
    }

    /// <summary>A connection between two ports whose dialler has said one byte: only then is it handed on.</summary>
    private async Task<(UtpMultiplexer Server, IPEndPoint ServerEnd, UtpTransport Dialled, UtpTransport Incoming)> SpokenAsync()
    {
        var accepted = new TaskCompletionSource<UtpTransport>();
        var (server, serverEnd) = Port(t => accepted.TrySetResult(t));
        var (client, _) = Port();
        var dialled = await ConnectAsync(client, serverEnd);
        Assert.False(accepted.Task.IsCompleted); // a SYN alone is not handed on: the dialler speaks first
        await dialled.SendAsync([new ArraySegment<byte>([19])], CancellationToken.None);
        var incoming = await accepted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([19], await ReadAll(incoming, 1));
        return (server, serverEnd, dialled, incoming);
    }

    [Fact]
    public async Task A_connection_carries_a_megabyte_each_way_byte_exact()
    {
        var accepted = new TaskCompletionSource<UtpTransport>();
        var (server, serverEnd) = Port(t => accepted.TrySetResult(t));
        var (client, _) = Port();
        var up = new byte[1 << 20];
        var down = new byte[1 << 20];
        new Random(1).NextBytes(up);
        new Random(2).NextBytes(down);

        using var dialled = await ConnectAsync(client, serverEnd);
        var sending = dialled.SendAsync([new ArraySegment<byte>(up)], CancellationToken.None).AsTask();
        using var incoming = await accepted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var answering = incoming.SendAsync([new ArraySegment<byte>(down)], CancellationToken.None).AsTask();
        Assert.Equal(up, await ReadAll(incoming, up.Length));
        Assert.Equal(down, await ReadAll(dialled, down.Length));
        await Task.WhenAll(sending, answering);
        // Bursts went out segmented (UDP GSO) and were cut apart on arrival.
        Assert.True(client.Sender.SegmentedDatagrams > 100, $"{client.Sender.SegmentedDatagrams} datagrams in segmented sends");
        Assert.True(server.Sender.SegmentedDatagrams > 100, $"{server.Sender.SegmentedDatagrams} datagrams in segmented sends");
    }

    [Fact]
    public async Task A_waiting_read_ends_on_its_tokens_cancellation_the_next_read_gets_the_bytes_and_a_shutdown_ends_a_read_with_0()
    {
        var (_, _, dialled, incoming) = await SpokenAsync();
        using var _1 = dialled;
        using var _2 = incoming;
        using (var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(200)))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await incoming.ReceiveAsync(new byte[100], soon.Token));
        var data = new byte[200_000];
        new Random(4).NextBytes(data);
        var sending = dialled.SendAsync([new ArraySegment<byte>(data)], CancellationToken.None).AsTask();
        Assert.Equal(data, await ReadAll(incoming, data.Length));
        await sending;

        var waiting = incoming.ReceiveAsync(new byte[100], CancellationToken.None).AsTask();
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);
        incoming.Shutdown();
        Assert.Equal(0, await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Garbage_syn_floods_and_strangers_packets_are_dropped_and_counted_while_a_transfer_goes_on()
    {
        var (server, serverEnd, dialled, incoming) = await SpokenAsync();
        using var _1 = dialled;
        using var _2 = incoming;

        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        attacker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var rng = new Random(55);
        var packet = new byte[200];
        for (var i = 0; i < 3000; i++)
        {
            rng.NextBytes(packet);
            if (i % 3 == 0) packet[0] = 0x77;                                    // not uTP at all
            else if (i % 3 == 1)                                                 // a SYN for a new connection
                new UtpHeader(UtpPacketType.Syn, 0, (ushort)i, 1, 0, 65536, 1, 0).Write(packet);
            else new UtpHeader(UtpPacketType.Data, 0, (ushort)(i * 7), 1, 0, 65536, 5, 5).Write(packet); // data for nobody
            attacker.SendTo(packet.AsSpan(0, 20 + rng.Next(150)), serverEnd);
            if (i % 50 == 49) await Task.Delay(2); // paced, so that the kernel's socket buffer does not drop the flood before we see it
        }

        var data = new byte[256 * 1024];
        rng.NextBytes(data);
        var sending = dialled.SendAsync([new ArraySegment<byte>(data)], CancellationToken.None).AsTask();
        Assert.Equal(data, await ReadAll(incoming, data.Length));
        await sending;
        AwaitCondition(() => server.Dropped > 1000, TimeSpan.FromSeconds(10), $"dropped {server.Dropped} of 2000");
        Assert.InRange(server.Count, 1, UtpMultiplexer.MaxPerHost);              // the real one plus at most one host's share of SYNs
        Assert.True(server.Refused > 500, $"refused {server.Refused} of 1000 SYNs");
    }

    /// <summary>
    /// 2 500 SYNs from 125 addresses (20 each, under the per-host cap) that never say more would fill the 2 000-entry
    /// table; only the newest <see cref="UtpMultiplexer.MaxHalfOpen"/> are held, so a real peer still connects.
    /// </summary>
    [Fact]
    public async Task A_syn_flood_from_many_addresses_holds_only_the_newest_half_open_and_a_real_peer_still_connects()
    {
        var accepted = Channel.CreateUnbounded<UtpTransport>();
        var (server, serverEnd) = Port(t => accepted.Writer.TryWrite(t));
        var (client, clientEnd) = Port();
        using (await ConnectAsync(client, serverEnd)) { } // both ports up
        var packet = new byte[UtpHeader.Size];
        for (var host = 0; host < 125; host++)
        {
            using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            attacker.Bind(new IPEndPoint(new IPAddress([127, 77, (byte)(host / 200), (byte)(2 + host % 200)]), 0));
            for (var i = 0; i < 20; i++)
            {
                new UtpHeader(UtpPacketType.Syn, 0, (ushort)(host * 20 + i), 1, 0, 65536, 1, 0).Write(packet);
                attacker.SendTo(packet, serverEnd);
            }
            await Task.Delay(2); // paced, so that the kernel's socket buffer does not drop the flood before we see it
        }
        AwaitCondition(() => server.Evicted > 2000, TimeSpan.FromSeconds(10), $"evicted {server.Evicted} of 2 500");
        server.Tick();
        Assert.InRange(server.Count, UtpMultiplexer.MaxHalfOpen - 1, UtpMultiplexer.MaxHalfOpen + 1);
        while (accepted.Reader.TryRead(out _)) { } // the warm-up's and the flood's

        using var dialled = await ConnectAsync(client, serverEnd);
        var data = new byte[64 * 1024];
        new Random(3).NextBytes(data);
        var sending = dialled.SendAsync([new ArraySegment<byte>(data)], CancellationToken.None).AsTask();
        UtpTransport? incoming = null;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var t in accepted.Reader.ReadAllAsync(cts.Token))
            if (t.Remote.Equals(clientEnd)) { incoming = t; break; }
        Assert.Equal(data, await ReadAll(incoming!, data.Length));
        await sending;
    }

    [Fact]
    public async Task A_connect_to_a_closed_port_fails_at_once_on_the_icmp_error_instead_of_after_two_syns()
    {
        var (client, _) = Port();
        var closed = Support.FreePorts.ClosedUdp(IPAddress.Loopback);
        var started = DateTime.UtcNow;
        var e = await Assert.ThrowsAsync<IOException>(() => ConnectAsync(client, closed));
        Assert.Equal("the peer is unreachable over uTP (ICMP port unreachable)", e.Message);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(1)); // two SYNs take three seconds
    }

    [Fact]
    public async Task A_peer_whose_port_closes_mid_transfer_is_dropped_within_seconds_not_a_minute()
    {
        var accepted = new TaskCompletionSource<UtpTransport>();
        var (_, serverEnd, serverPort) = PortWithActor(t => accepted.TrySetResult(t));
        var (client, _) = Port();
        var dialled = await ConnectAsync(client, serverEnd);
        await dialled.SendAsync([new ArraySegment<byte>(new byte[1000])], CancellationToken.None);
        await accepted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Watch(serverPort);
        Sys.Stop(serverPort); // the peer's process is gone: its UDP port is closed
        ExpectTerminated(serverPort);
        var started = DateTime.UtcNow;
        var reading = dialled.ReceiveAsync(new byte[100], CancellationToken.None).AsTask();
        await dialled.SendAsync([new ArraySegment<byte>(new byte[50_000])], CancellationToken.None); // refused by the closed port
        var e = await Assert.ThrowsAsync<IOException>(() => reading.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("unreachable (ICMP port unreachable)", e.Message);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(5)); // six timeouts would take a minute
    }

    [Fact]
    public async Task A_flood_of_forged_icmp_errors_neither_ends_a_connection_whose_peer_answers_nor_spoils_its_transfer()
    {
        var accepted = new TaskCompletionSource<UtpTransport>();
        var (_, serverEnd) = Port(t => accepted.TrySetResult(t));
        var (client, clientEnd) = Port();
        var dialled = await ConnectAsync(client, serverEnd);
        await dialled.SendAsync([new ArraySegment<byte>([19])], CancellationToken.None);
        var incoming = await accepted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([19], await ReadAll(incoming, 1));

        // ICMP errors forged from a raw socket (root): "port unreachable" for datagrams from the client's port to the
        // server's (quoting no uTP header, or one with an id that is not the connection's: the forger does not know it),
        // and to 2 000 addresses the client never wrote to.
        using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp);
        var wrongId = new byte[UtpHeader.Size];
        new UtpHeader(UtpPacketType.Data, 0, (ushort)(dialled.Connection.SendId + 7), 0, 0, 0, 1, 1).Write(wrongId);
        var forged = new List<byte[]> { PortUnreachable(clientEnd, serverEnd), PortUnreachable(clientEnd, serverEnd, wrongId) };
        for (var port = 20_000; port < 22_000; port++) forged.Add(PortUnreachable(clientEnd, new IPEndPoint(IPAddress.Loopback, port)));
        using var stop = new CancellationTokenSource();
        var sent = 0;
        var flood = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var n = Volatile.Read(ref sent);
                raw.SendTo(forged[n % 10 < 2 ? n % 2 : 2 + n % (forged.Count - 2)], new IPEndPoint(IPAddress.Loopback, 0));
                if (Interlocked.Increment(ref sent) % 200 == 0) Thread.Sleep(1);
            }
        });
        // Half a megabyte at a time, byte-exact: 2 MiB at least, and on for as long as the flood takes to send 20 000
        // errors (at most 20 s): a fast transfer would otherwise end before the flood got going.
        var chunk = new byte[512 * 1024];
        var rng = new Random(8);
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        for (var i = 0; (i < 4 || Volatile.Read(ref sent) < 20_000) && DateTime.UtcNow < until; i++)
        {
            rng.NextBytes(chunk);
            var sending = dialled.SendAsync([new ArraySegment<byte>(chunk)], CancellationToken.None).AsTask();
            Assert.Equal(chunk, await ReadAll(incoming, chunk.Length));
            await sending;
        }
        stop.Cancel();
        await flood;
        var sentErrors = Volatile.Read(ref sent);
        Assert.True(sentErrors > 1000, $"only {sentErrors} forged errors sent");
        Assert.True(client.Unreachables > 500, $"only {client.Unreachables} of {sentErrors} forged errors were read");
        Assert.Equal(UtpState.Connected, dialled.Connection.State);
        // Each forged error is also the socket's pending error, which the next send reports instead of sending: a send
        // that gave up after one more try lost its datagrams (a segmented send: 46 at once), and this transfer met 4-6
        // retransmission timeouts where it now meets none.
        Assert.True(dialled.Connection.Stats.Timeouts <= 2, $"{dialled.Connection.Stats.Timeouts} timeouts ({sentErrors} forged errors sent): {dialled.Connection}");
    }

    /// <summary>An ICMP "port unreachable" for a UDP datagram from <paramref name="from"/> to <paramref name="to"/> (IPv4).</summary>
    private static byte[] PortUnreachable(IPEndPoint from, IPEndPoint to, byte[]? quoted = null)
    {
        quoted ??= [];
        var m = new byte[8 + 20 + 8 + quoted.Length];
        m[0] = 3; m[1] = 3;                                    // destination unreachable, port unreachable
        var ip = m.AsSpan(8);
        ip[0] = 0x45; ip[3] = (byte)(28 + quoted.Length); ip[8] = 64; ip[9] = 17; // IPv4, total length, TTL, UDP
        quoted.CopyTo(m.AsSpan(36));
        from.Address.GetAddressBytes().CopyTo(ip[12..]);
        to.Address.GetAddressBytes().CopyTo(ip[16..]);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum(ip[..20]));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(28), (ushort)from.Port);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(30), (ushort)to.Port);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(32), (ushort)(8 + quoted.Length));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(2), Checksum(m));
        return m;
    }

    private static ushort Checksum(ReadOnlySpan<byte> bytes)
    {
        uint sum = 0;
        for (var i = 0; i + 1 < bytes.Length; i += 2) sum += (uint)(bytes[i] << 8 | bytes[i + 1]);
        while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

    [Fact]
    public async Task A_connect_to_a_port_where_nobody_answers_fails_with_a_reason_within_a_few_seconds()
    {
        var (client, _) = Port();
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var started = DateTime.UtcNow;
        var e = await Assert.ThrowsAsync<IOException>(() => ConnectAsync(client, (IPEndPoint)silent.LocalEndPoint!));
        Assert.Contains("no uTP answer", e.Message);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(8));
    }
}
