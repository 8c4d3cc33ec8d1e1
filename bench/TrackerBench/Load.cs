using System.Diagnostics;
using System.Net.Sockets;
using System.Net;
using Engine.Core.Primitives;
using Engine.Core.Trackers;
using Engine.Trackers;

namespace TrackerBench;

/// <summary>Closed-loop UDP announce load: each client keeps up to a window of announces in flight.</summary>
internal static class Load
{
    public sealed record Result(long Answers, long Errors, long Stalls, TimeSpan Elapsed)
    {
        public double PerSecond => Answers / Elapsed.TotalSeconds;
    }

    public static async Task<long?> TryConnectAsync(UdpClient udp, IPEndPoint tracker, TimeSpan timeout)
    {
        var packet = new byte[16];
        var tx = Random.Shared.Next();
        UdpTrackerCodec.WriteConnectRequest(packet, tx);
        await udp.SendAsync(packet, tracker);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var answer = await udp.ReceiveAsync(cts.Token);
                if (UdpTrackerCodec.ReadResponse(answer.Buffer, UdpAction.Connect, tx) is UdpConnectResponse c) return c.ConnectionId;
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public static Task<Result> RunAsync(IPEndPoint tracker, InfoHash[] hashes, int clients, int window, TimeSpan duration) =>
        RunAsync([tracker], hashes, clients, window, duration);

    /// <summary>Client <c>i</c> announces to <c>trackers[i % n]</c> (the nodes of a tracker cluster share the load).</summary>
    public static async Task<Result> RunAsync(IReadOnlyList<IPEndPoint> trackers, InfoHash[] hashes, int clients, int window, TimeSpan duration)
    {
        var stopwatch = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, clients).Select(i => Task.Run(() => ClientAsync(trackers[i % trackers.Count], hashes, window, duration, i))));
        var elapsed = stopwatch.Elapsed;
        return new Result(results.Sum(r => r.Answers), results.Sum(r => r.Errors), results.Sum(r => r.Stalls), duration);
    }

    private static async Task<Result> ClientAsync(IPEndPoint tracker, InfoHash[] hashes, int window, TimeSpan duration, int index)
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        udp.Client.ReceiveBufferSize = 1 << 20;
        long? id = null;
        for (var i = 0; i < 20 && id is null; i++) id = await TryConnectAsync(udp, tracker, TimeSpan.FromMilliseconds(500));
        if (id is null) throw new InvalidOperationException($"no connect answer from {tracker}");
        var rng = new Random(index);
        var credits = new SemaphoreSlim(window, int.MaxValue);
        long answers = 0, errors = 0, stalls = 0;
        using var stop = new CancellationTokenSource(duration);
        var receiver = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            var socket = udp.Client;
            while (!stop.IsCancellationRequested)
            {
                int length;
                try { length = await socket.ReceiveAsync(buffer, SocketFlags.None, stop.Token); }
                catch (OperationCanceledException) { return; }
                if (length >= 8 && buffer[3] == 1) answers++;
                else errors++;
                credits.Release();
            }
        });
        var packet = new byte[UdpTrackerCodec.AnnounceRequestLength];
        var peerId = new byte[20];
        var tx = 0;
        while (!stop.IsCancellationRequested)
        {
            bool got;
            try { got = await credits.WaitAsync(TimeSpan.FromMilliseconds(100), stop.Token); }
            catch (OperationCanceledException) { break; }
            if (!got) stalls++; // a lost datagram: send anyway so the window refills
            var peer = rng.Next(10_000);
            BitConverter.TryWriteBytes(peerId, peer);
            var request = new AnnounceRequest(hashes[rng.Next(hashes.Length)], PeerId.FromBytes(peerId), 1024 + peer, 0, 0, rng.Next(2) * 1000L,
                rng.Next(20) == 0 ? AnnounceEvent.Started : AnnounceEvent.None, NumWant: 50, Key: (uint)peer);
            UdpTrackerCodec.WriteAnnounceRequest(packet, id.Value, ++tx, request);
            await udp.Client.SendToAsync(packet, SocketFlags.None, tracker);
        }
        await receiver;
        return new Result(answers, errors, stalls, duration);
    }
}
