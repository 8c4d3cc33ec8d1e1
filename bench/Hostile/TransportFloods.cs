using System.Net;
using System.Net.Sockets;
using Engine.Core.Utp;

namespace Engine.Bench.Hostile;

/// <summary>
/// Floods at the transports (issue 16's bad input): random uTP datagrams, SYNs from many hosts that never go on, and MSE
/// handshakes that stall after the key or send garbage after it. Each returns what it sent.
/// </summary>
internal static class TransportFloods
{
    /// <summary>Random datagrams, half of them with a uTP first byte and the rest of a header random, from a new host every 1 000.</summary>
    public static Task<string> UtpGarbage(IPEndPoint engine, Content content, CancellationToken stop)
        => Datagrams(engine, stop, (rng, packet, i) =>
        {
            rng.NextBytes(packet);
            if (i % 2 == 0) packet[0] = (byte)((rng.Next(5) << 4) | UtpHeader.Version);
            return 20 + rng.Next(packet.Length - 20);
        }, perHost: 1000, "random datagrams");

    /// <summary>SYNs with random connection ids, 24 from each host (the per-host cap), that never send anything more.</summary>
    public static Task<string> UtpSyns(IPEndPoint engine, Content content, CancellationToken stop)
        => Datagrams(engine, stop, (rng, packet, i) =>
        {
            new UtpHeader(UtpPacketType.Syn, 0, (ushort)rng.Next(65536), (uint)i, 0, 1 << 20, (ushort)rng.Next(65536), 0).Write(packet);
            return UtpHeader.Size;
        }, perHost: 24, "SYNs");

    private static async Task<string> Datagrams(IPEndPoint engine, CancellationToken stop, Func<Random, byte[], int, int> fill, int perHost, string what)
    {
        long sent = 0;
        await Task.WhenAll(Enumerable.Range(0, 2).Select(loop => Task.Run(async () =>
        {
            var rng = new Random(loop);
            var packet = new byte[1400];
            Socket? socket = null;
            try
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    if (i % perHost == 0)
                    {
                        socket?.Dispose();
                        socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                        socket.Bind(new IPEndPoint(Lab.NewHost(), 0));
                    }
                    try { socket!.SendTo(packet.AsSpan(0, fill(rng, packet, i)), engine); }
                    catch (SocketException) { }
                    Interlocked.Increment(ref sent);
                    if (i % 64 == 63) await Task.Yield();
                }
            }
            finally { socket?.Dispose(); }
        })));
        return $"{sent} {what}";
    }

    /// <summary>200 connections that send an MSE public key (96 bytes) and nothing more, re-opened as the engine closes them.</summary>
    public static Task<string> MseStalled(IPEndPoint engine, Content content, CancellationToken stop)
        => MseConnections(engine, stop, extra: 0, "stalled after the key");

    /// <summary>200 connections at a time that send a key and then 1 000 random bytes (no SKEY hash to be found), re-opened as closed.</summary>
    public static Task<string> MseGarbage(IPEndPoint engine, Content content, CancellationToken stop)
        => MseConnections(engine, stop, extra: 1000, "with garbage after the key");

    private static async Task<string> MseConnections(IPEndPoint engine, CancellationToken stop, int extra, string what)
    {
        var rng = new Random(7);
        var bytes = new byte[96 + extra];
        byte[] Next()
        {
            rng.NextBytes(bytes);
            return bytes;
        }
        var opened = await HeldConnections.HoldAsync(engine, 200, Next, () => Lab.NewHost(), TimeSpan.FromMilliseconds(extra == 0 ? 50 : 5), stop);
        return $"{opened} MSE connections {what}";
    }
}
