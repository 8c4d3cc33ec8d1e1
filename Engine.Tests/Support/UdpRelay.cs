using System.Buffers.Binary;
using System.Net.Sockets;
using System.Net;

namespace Engine.Tests.Support;

/// <summary>
/// A UDP relay on 127.0.0.1 between one client and a UDP tracker, for client tests: it can drop the client's first
/// packets, logs every request (action, connection id, time), and can inject packets of its own before forwarding
/// a tracker's answer. With no tracker (<see cref="BlackHole"/>) it only counts what it receives. Bounded: the loop
/// ends on dispose.
/// </summary>
internal sealed class UdpRelay : IAsyncDisposable
{
    public sealed record Seen(int Action, long ConnectionId, int TransactionId, DateTime At);

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly IPEndPoint? _tracker;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Seen> _seen = new();
    private readonly Task _loop;
    private IPEndPoint? _client;
    private int _toDrop;

    private UdpRelay(IPEndPoint? tracker, int dropFirst)
    {
        _tracker = tracker;
        _toDrop = dropFirst;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _loop = Task.Run(Loop);
    }

    public static UdpRelay To(IPEndPoint tracker, int dropFirst = 0) => new(tracker, dropFirst);

    /// <summary>Receives and never answers: a dead UDP tracker that still shows what was sent to it.</summary>
    public static UdpRelay BlackHole() => new(null, 0);

    public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public string AnnounceUrl => $"udp://127.0.0.1:{EndPoint.Port}/announce";

    /// <summary>Called with each answer of the tracker (and the client's address) before it is forwarded; returns packets to send first.</summary>
    public Func<byte[], IPEndPoint, IEnumerable<byte[]>>? BeforeAnswer { get; set; }

    /// <summary>Packets to send to the client from another socket (a spoofer) before the tracker's answer is forwarded.</summary>
    public Func<byte[], IEnumerable<byte[]>>? SpoofBeforeAnswer { get; set; }

    public IReadOnlyList<Seen> Requests
    {
        get { lock (_seen) return _seen.ToArray(); }
    }

    public int Dropped { get; private set; }

    private async Task Loop()
    {
        var buffer = new byte[2048];
        using var spoofer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        spoofer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult r;
            try
            {
                r = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            var packet = buffer.AsSpan(0, r.ReceivedBytes).ToArray();
            var from = (IPEndPoint)r.RemoteEndPoint;
            if (_tracker is not null && from.Equals(_tracker))
            {
                if (_client is null) continue;
                foreach (var extra in BeforeAnswer?.Invoke(packet, _client) ?? []) await _socket.SendToAsync(extra, _client);
                foreach (var extra in SpoofBeforeAnswer?.Invoke(packet) ?? []) await spoofer.SendToAsync(extra, _client);
                await _socket.SendToAsync(packet, _client);
                continue;
            }
            _client = from;
            if (packet.Length >= 16)
                lock (_seen)
                    _seen.Add(new Seen(BinaryPrimitives.ReadInt32BigEndian(packet.AsSpan(8)), BinaryPrimitives.ReadInt64BigEndian(packet),
                        BinaryPrimitives.ReadInt32BigEndian(packet.AsSpan(12)), DateTime.UtcNow));
            if (_toDrop > 0)
            {
                _toDrop--;
                Dropped++;
                continue;
            }
            if (_tracker is not null) await _socket.SendToAsync(packet, _tracker);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await _loop.WaitAsync(TimeSpan.FromSeconds(5)); } catch (Exception) { }
        _socket.Dispose();
        _stop.Dispose();
    }
}
