using System.Net.Sockets;
using System.Net;
using Engine.Core.Primitives;
using Engine.Core.Trackers;

namespace Engine.TrackerServer;

/// <summary>
/// The UDP tracker (BEP 15): connect, announce, scrape. Connection ids come from <see cref="ConnectionIds"/>, so
/// no per-client state is kept. Garbage and oversized packets are dropped without an answer; a bad connection
/// id or invalid content gets an error packet (action 3), which is never larger than the request that caused it.
/// A few receive threads share the socket; the registry is behind <see cref="RegistryGate"/>.
/// </summary>
internal sealed class TrackerUdpServer : IAsyncDisposable
{
    /// <summary>Receive buffer: larger than any accepted request, so a truncated oversized datagram is still recognised as oversized.</summary>
    private const int ReceiveBufferBytes = UdpTrackerCodec.MaxRequestLength + 512;

    /// <summary>Largest answer we send: one unfragmented datagram on a 1500-byte link (IPv6 headers).</summary>
    internal const int MaxAnswerBytes = 1500 - 40 - 8;

    public const string BadConnectionIdMessage = "bad connection id";

    private readonly Socket _socket;
    private readonly RegistryGate _gate;
    private readonly ConnectionIds _ids;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread[] _loops;
    private long _dropped;

    public TrackerUdpServer(IPEndPoint endpoint, RegistryGate gate, ConnectionIds ids)
    {
        _gate = gate;
        _ids = ids;
        _socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        if (endpoint.AddressFamily == AddressFamily.InterNetworkV6 && endpoint.Address.Equals(IPAddress.IPv6Any))
            _socket.DualMode = true;
        _socket.ReceiveBufferSize = 4 * 1024 * 1024;
        _socket.Bind(endpoint);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _socket.ReceiveTimeout = 250;
        // The registry is behind one lock: more threads only overlap the system calls.
        _loops = new Thread[Math.Clamp(Environment.ProcessorCount / 2, 1, 4)];
        for (var i = 0; i < _loops.Length; i++)
        {
            _loops[i] = new Thread(ReceiveLoop) { IsBackground = true, Name = $"udp-tracker-{i}" };
            _loops[i].Start();
        }
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Packets dropped without an answer (garbage, oversized).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>
    /// One receive thread: blocking receive, answer inline, blocking send. Plain blocking calls on dedicated threads
    /// cost far less per datagram than async socket operations; a short receive timeout lets the thread see the stop.
    /// </summary>
    private void ReceiveLoop()
    {
        var receive = new byte[ReceiveBufferBytes];
        var answer = new byte[MaxAnswerBytes];
        var address = new SocketAddress(_socket.AddressFamily);
        var template = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                length = _socket.ReceiveFrom(receive, SocketFlags.None, address);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // the receive timeout, or an ICMP error reported for an earlier answer
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return; // the socket is being torn down under us
            }
            var client = (IPEndPoint)template.Create(address);
            int answerLength;
            try
            {
                answerLength = Answer(receive.AsSpan(0, length), client, answer);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                answerLength = 0; // a bug must not kill the server: drop the packet
            }
            if (answerLength == 0)
            {
                Interlocked.Increment(ref _dropped);
                continue;
            }
            try
            {
                _socket.SendTo(answer.AsSpan(0, answerLength), SocketFlags.None, address);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (Exception e) when (e is SocketException || _stop.IsCancellationRequested)
            {
                // An unreachable client, or the socket closing during shutdown: nothing to answer.
            }
        }
    }

    /// <summary>Writes the answer to one packet into <paramref name="answer"/>; 0 means drop it silently.</summary>
    internal int Answer(ReadOnlySpan<byte> packet, IPEndPoint client, Span<byte> answer)
    {
        if (!UdpTrackerCodec.TryReadRequest(packet, out var request)) return 0;
        var now = _gate.Now;
        switch (request)
        {
            case UdpConnectRequest connect:
                return UdpTrackerCodec.WriteConnectResponse(answer, connect.TransactionId, _ids.Issue(client, now));
            case UdpInvalidRequest invalid:
                return Error(answer, invalid.TransactionId, invalid.Problem, packet.Length);
            case UdpAnnounceRequest announce:
                if (!_ids.IsValid(announce.ConnectionId, client, now))
                    return Error(answer, announce.TransactionId, BadConnectionIdMessage, packet.Length);
                var result = _gate.Run((r, t) => r.Announce(announce.Announce, client.Address, t));
                if (result.IsFailure) return Error(answer, announce.TransactionId, result.Failure!, packet.Length);
                var family = client.Address.IsIPv4MappedToIPv6 ? IpFamily.V4 : IpFamilies.Of(client);
                var fits = (answer.Length - UdpTrackerCodec.AnnounceResponseHeaderLength) / UdpTrackerCodec.PeerEntryLength(family);
                var peers = Fitting(result.Peers, family, fits);
                return UdpTrackerCodec.WriteAnnounceResponse(answer, announce.TransactionId, result.Interval, result.Leechers, result.Seeders, peers, family);
            case UdpScrapeRequest scrape:
                if (!_ids.IsValid(scrape.ConnectionId, client, now))
                    return Error(answer, scrape.TransactionId, BadConnectionIdMessage, packet.Length);
                var stats = _gate.Run((r, _) =>
                {
                    var list = new ScrapeStats[scrape.InfoHashes.Count];
                    for (var i = 0; i < list.Length; i++)
                        list[i] = r.IsAllowed(scrape.InfoHashes[i]) ? r.Scrape(scrape.InfoHashes[i]) : new ScrapeStats(0, 0, 0, null);
                    return list;
                });
                return UdpTrackerCodec.WriteScrapeResponse(answer, scrape.TransactionId, stats);
            default:
                return 0;
        }
    }

    /// <summary>An error packet no longer than the request (no amplification for spoofed sources).</summary>
    private static int Error(Span<byte> answer, int transactionId, string message, int requestLength)
    {
        var room = Math.Max(requestLength, 40) - UdpTrackerCodec.ErrorHeaderLength;
        if (message.Length > room) message = message[..room];
        return UdpTrackerCodec.WriteError(answer, transactionId, message);
    }

    private static IReadOnlyList<IPEndPoint> Fitting(IReadOnlyList<IPEndPoint> peers, IpFamily family, int max)
    {
        var count = 0;
        foreach (var p in peers) if (IpFamilies.Of(p) == family) count++;
        if (count <= max) return peers;
        var list = new List<IPEndPoint>(max);
        foreach (var p in peers)
            if (IpFamilies.Of(p) == family && list.Count < max) list.Add(p);
        return list;
    }

    public async ValueTask DisposeAsync()
    {
        // Stop the threads first (they notice within the receive timeout): closing the socket under a pending send is not safe.
        _stop.Cancel();
        await Task.Run(() =>
        {
            foreach (var thread in _loops) thread.Join(TimeSpan.FromSeconds(5));
        });
        _socket.Dispose();
        _stop.Dispose();
    }
}
