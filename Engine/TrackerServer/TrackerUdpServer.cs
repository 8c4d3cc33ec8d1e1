using System.Buffers;
using System.Net.Sockets;
using System.Net;
using Engine.Core.Primitives;
using Engine.Core.Trackers;

namespace Engine.TrackerServer;

/// <summary>
/// The UDP tracker (BEP 15): connect, announce, scrape. Connection ids come from <see cref="ConnectionIds"/>, so
/// no per-client state is kept. Garbage and oversized packets are dropped without an answer; a bad connection
/// id or invalid content gets an error packet (action 3), which is never larger than the request that caused it.
/// A few receive threads share the socket. One tracker's registry (<see cref="RegistryGate"/>) answers inline on the
/// receive thread; a tracker cluster's answer comes later, and is then written and sent from the continuation.
/// </summary>
internal sealed class TrackerUdpServer : IAsyncDisposable
{
    /// <summary>Receive buffer: larger than any accepted request, so a truncated oversized datagram is still recognised as oversized.</summary>
    private const int ReceiveBufferBytes = UdpTrackerCodec.MaxRequestLength + 512;

    /// <summary>Largest answer we send: one unfragmented datagram on a 1500-byte link (IPv6 headers).</summary>
    internal const int MaxAnswerBytes = 1500 - 40 - 8;

    public const string BadConnectionIdMessage = "bad connection id";

    private readonly Socket _socket;
    private readonly ITrackerBackend _backend;
    private readonly ConnectionIds _ids;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread[] _loops;
    private long _dropped;

    /// <summary>What <see cref="Answer"/> returns when the answer will be sent later (a tracker cluster's shard is asked).</summary>
    internal const int Deferred = -1;

    public TrackerUdpServer(IPEndPoint endpoint, ITrackerBackend backend, ConnectionIds ids)
    {
        _backend = backend;
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
            if (answerLength == Deferred) continue;
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

    /// <summary>
    /// Writes the answer to one packet into <paramref name="answer"/>; 0 means drop it silently, <see cref="Deferred"/>
    /// that the backend answers later and the answer is sent to <paramref name="client"/> then.
    /// </summary>
    internal int Answer(ReadOnlySpan<byte> packet, IPEndPoint client, Span<byte> answer)
    {
        if (!UdpTrackerCodec.TryReadRequest(packet, out var request)) return 0;
        var now = _backend.Now;
        switch (request)
        {
            case UdpConnectRequest connect:
                return UdpTrackerCodec.WriteConnectResponse(answer, connect.TransactionId, _ids.Issue(client, now));
            case UdpInvalidRequest invalid:
                return Error(answer, invalid.TransactionId, invalid.Problem, packet.Length);
            case UdpAnnounceRequest announce:
                if (!_ids.IsValid(announce.ConnectionId, client, now))
                    return Error(answer, announce.TransactionId, BadConnectionIdMessage, packet.Length);
                var pending = _backend.AnnounceAsync(announce.Announce, client.Address);
                if (pending.IsCompletedSuccessfully) return Announced(answer, announce.TransactionId, client, pending.Result, packet.Length);
                _ = AnnounceLater(pending, announce.TransactionId, client, packet.Length);
                return Deferred;
            case UdpScrapeRequest scrape:
                if (!_ids.IsValid(scrape.ConnectionId, client, now))
                    return Error(answer, scrape.TransactionId, BadConnectionIdMessage, packet.Length);
                var allowed = new List<InfoHash>(scrape.InfoHashes.Count);
                foreach (var h in scrape.InfoHashes)
                    if (_backend.Options.Allows(h)) allowed.Add(h);
                var scraping = _backend.ScrapeAsync(allowed);
                if (scraping.IsCompletedSuccessfully) return Scraped(answer, scrape, allowed, scraping.Result);
                _ = ScrapeLater(scraping, scrape, allowed, client);
                return Deferred;
            default:
                return 0;
        }
    }

    private static int Announced(Span<byte> answer, int transactionId, IPEndPoint client, TrackerAnnounceResult result, int requestLength)
    {
        if (result.IsFailure) return Error(answer, transactionId, result.Failure!, requestLength);
        var family = client.Address.IsIPv4MappedToIPv6 ? IpFamily.V4 : IpFamilies.Of(client);
        var fits = (answer.Length - UdpTrackerCodec.AnnounceResponseHeaderLength) / UdpTrackerCodec.PeerEntryLength(family);
        var peers = Fitting(result.Peers, family, fits);
        return UdpTrackerCodec.WriteAnnounceResponse(answer, transactionId, result.Interval, result.Leechers, result.Seeders, peers, family);
    }

    /// <summary>Every torrent asked in order; one not allowed here reads as empty.</summary>
    private static int Scraped(Span<byte> answer, UdpScrapeRequest scrape, List<InfoHash> allowed, ScrapeStats[] stats)
    {
        var list = new ScrapeStats[scrape.InfoHashes.Count];
        for (int i = 0, j = 0; i < list.Length; i++)
            list[i] = j < allowed.Count && allowed[j].Equals(scrape.InfoHashes[i]) ? stats[j++] : new ScrapeStats(0, 0, 0, null);
        return UdpTrackerCodec.WriteScrapeResponse(answer, scrape.TransactionId, list);
    }

    private async Task AnnounceLater(ValueTask<TrackerAnnounceResult> pending, int transactionId, IPEndPoint client, int requestLength)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxAnswerBytes);
        try
        {
            var result = await pending;
            SendLater(buffer, Announced(buffer.AsSpan(0, MaxAnswerBytes), transactionId, client, result, requestLength), client);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _dropped); // a bug must not kill the server: drop the packet
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    private async Task ScrapeLater(ValueTask<ScrapeStats[]> pending, UdpScrapeRequest scrape, List<InfoHash> allowed, IPEndPoint client)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxAnswerBytes);
        try
        {
            var stats = await pending;
            SendLater(buffer, Scraped(buffer.AsSpan(0, MaxAnswerBytes), scrape, allowed, stats), client);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _dropped);
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    /// <summary>Sends an answer written after the receive thread moved on (a tracker cluster's); the socket is thread-safe.</summary>
    private void SendLater(byte[] buffer, int length, IPEndPoint client)
    {
        if (length <= 0 || _stop.IsCancellationRequested)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }
        try
        {
            _socket.SendTo(buffer.AsSpan(0, length), SocketFlags.None, client);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // An unreachable client, or the socket closing during shutdown: nothing to answer.
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
