using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Engine.Core.Peers;
using Engine.Core.Utp;

namespace Engine.Utp;

/// <summary>
/// Every uTP connection of an engine, on the engine's one UDP socket (the <see cref="Datagrams.UdpPort"/> attaches it):
/// datagrams are dispatched by source address and connection id straight from the socket's receive loop (no actor hop
/// per packet), connects and accepts create <see cref="UtpTransport"/>s, and the port's timer ticks the retransmission
/// clocks. One lock (<see cref="Gate"/>) serialises everything that touches a connection. Accepted connections are
/// bounded (<see cref="MaxConnections"/> in all, <see cref="MaxPerHost"/> from one address), and so are the half-open
/// ones among them (a SYN and nothing since, <see cref="MaxHalfOpen"/>): beyond that bound the oldest is dropped without
/// a word. A connection goes to <see cref="Accepted"/> (the engine) only once the peer has said more than its SYN, so a
/// SYN flood from many (forged) addresses costs a table entry per SYN at most, never reaches the engine's actors, and
/// never fills the table against a real peer, whose first data follows its SYN within a round trip. A packet for a
/// connection we do not know is answered with a RESET (data and FINs only).
/// </summary>
internal sealed partial class UtpMultiplexer
{
    public const int MaxConnections = 2000;
    public const int MaxPerHost = 24;
    public const int MaxHalfOpen = 256;

    private readonly Dictionary<(IPEndPoint Remote, ushort Id), UtpTransport> _connections = new();
    private readonly List<UtpTransport> _dirty = new();
    private readonly HashSet<UtpTransport> _dirtySet = new();
    private readonly List<(IPEndPoint, ushort)> _finished = new();
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly UtpSettings _settings;
    private readonly Random _random = new();
    private Socket? _socket;

    private readonly SegmentSender _sender;

    /// <param name="segmentation">Whether bursts for one peer go out as one segmented send (UDP GSO, <see cref="SegmentSender"/>) where the kernel can.</param>
    public UtpMultiplexer(UtpSettings? settings = null, bool segmentation = true)
    {
        _settings = settings ?? UtpSettings.Default;
        _sender = new SegmentSender(segmentation);
    }

    /// <summary>The lock every connection of this multiplexer is used under.</summary>
    public object Gate { get; } = new();

    /// <summary>Where accepted connections go (the engine root hands them to its listener); null refuses incoming uTP.</summary>
    public Action<UtpTransport>? Accepted { get; set; }

    /// <summary>Datagrams that were not uTP or named no connection of ours.</summary>
    public long Dropped { get; private set; }

    /// <summary>ICMP "unreachable" errors read about uTP datagrams of this port, forged ones included (those the DHT's datagrams met go to the DHT).</summary>
    public long Unreachables { get; private set; }

    /// <summary>SYNs refused by the connection limits.</summary>
    public long Refused { get; private set; }

    public int Count
    {
        get { lock (Gate) return _connections.Count; }
    }

    public long NowMicros => Stopwatch.GetElapsedTime(_started).Ticks / (TimeSpan.TicksPerMillisecond / 1000);

    /// <summary>Whether a UDP socket is attached: connects can be made and SYNs answered.</summary>
    public bool IsAttached
    {
        get { lock (Gate) return _socket is not null; }
    }

    public void Attach(Socket socket)
    {
        lock (Gate) _socket = socket;
    }

    public void Detach(Socket socket)
    {
        lock (Gate)
        {
            if (!ReferenceEquals(_socket, socket)) return;
            _socket = null;
            _sender.Clear();
        }
    }

    /// <summary>The sender of this port's uTP datagrams (its figures).</summary>
    internal SegmentSender Sender => _sender;

    /// <summary>
    /// Sends one datagram (the caller holds the lock, taken with <see cref="Enter"/>): gathered with the others for the
    /// same peer until the lock is let go; a full buffer or an unreachable host drops it, as UDP may.
    /// </summary>
    internal void SendTo(ReadOnlySpan<byte> datagram, SocketAddress to, bool segmentable = false)
    {
        if (_socket is null) return;
        _sender.Add(_socket, datagram, to, segmentable);
    }

    /// <summary>
    /// Takes <see cref="Gate"/>; disposing the scope sends what was gathered meanwhile, lets the lock go, and then (the
    /// outermost scope) completes the reads and writes woken meanwhile (<see cref="Woken"/>).
    /// </summary>
    internal GateScope Enter()
    {
        Monitor.Enter(Gate);
        _depth++;
        return new GateScope(this);
    }

    /// <summary>
    /// <paramref name="transport"/> has a read or write to complete once the lock is let go (the caller holds it). Not
    /// under the lock: the reader woken on the thread pool would often run at once on this core, take the lock a moment
    /// later, find it held and spin, yield and sleep until the receive thread let it go.
    /// </summary>
    internal void Woken(UtpTransport transport) => _woken.Add(transport);

    internal readonly struct GateScope(UtpMultiplexer mux) : IDisposable
    {
        public void Dispose()
        {
            List<UtpTransport.Signalled>? signal = null;
            try { mux._sender.Flush(mux._socket); }
            finally
            {
                if (--mux._depth == 0 && mux._woken.Count > 0)
                {
                    signal = t_signalling ??= [];
                    foreach (var t in mux._woken) signal.Add(t.TakeSignal());
                    mux._woken.Clear();
                }
                Monitor.Exit(mux.Gate);
                if (signal is not null)
                {
                    // Cleared even if a completion throws: the list is this thread's, and the next scope would complete them again.
                    try { foreach (var s in signal) s.Transport.Complete(s); }
                    finally { signal.Clear(); }
                }
            }
        }
    }

    private readonly List<UtpTransport> _woken = [];
    private int _depth;
    [ThreadStatic] private static List<UtpTransport.Signalled>? t_signalling;

    /// <summary>
    /// Sends one datagram; a send that fails with an ICMP error queued for an earlier datagram (once the port asks for
    /// ICMP errors, <c>IP_RECVERR</c>, the socket's pending error is reported by whichever call comes next, a send too)
    /// goes again, up to <see cref="SendAttempts"/> times in all: that error was another destination's, and under a
    /// flood of (forged) errors another may come between two tries.
    /// </summary>
    internal static void SendOrRetry(Socket socket, ReadOnlySpan<byte> datagram, SocketAddress to)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                socket.SendTo(datagram, SocketFlags.None, to);
                return;
            }
            catch (SocketException e) when (attempt < SendAttempts && IsPendingIcmpError(e.SocketErrorCode)) { }
        }
    }

    /// <summary>How many times a send that met another datagram's pending ICMP error is made in all.</summary>
    internal const int SendAttempts = 64;

    /// <summary>The errors a send reports for an ICMP error queued earlier (not its own failure).</summary>
    internal static bool IsPendingIcmpError(SocketError e) =>
        e is SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.AccessDenied;

    /// <summary>The address to send to, IPv4 mapped into IPv6 when the socket is dual-stack.</summary>
    private SocketAddress AddressFor(IPEndPoint remote) =>
        (_socket?.AddressFamily == AddressFamily.InterNetworkV6 && remote.AddressFamily == AddressFamily.InterNetwork
            ? new IPEndPoint(remote.Address.MapToIPv6(), remote.Port) : remote).Serialize();

    /// <summary>
    /// Opens a uTP connection to <paramref name="remote"/>; throws <see cref="IOException"/> when it is refused or
    /// unanswered (a <paramref name="punching"/> connect, BEP 55, only when unanswered: see <see cref="UtpConnection.OnUnreachable"/>).
    /// </summary>
    public async Task<UtpTransport> ConnectAsync(IPEndPoint remote, CancellationToken ct, bool punching = false)
    {
        remote = PeerAddress.Normalize(remote);
        UtpTransport transport;
        Task<UtpTransport> connected;
        using (Enter())
        {
            if (_socket is null) throw new IOException("uTP is not listening (no UDP socket)");
            ushort id;
            do id = (ushort)_random.Next(65536);
            while (_connections.ContainsKey((remote, id)));
            transport = new UtpTransport(this, remote, AddressFor(remote));
            connected = transport.WaitConnected();
            Remember((remote, id), transport);
            transport.Connection = UtpConnection.Connect(transport, id, NowMicros, _settings, punching);
        }
        try
        {
            return await connected.WaitAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            using (Enter()) transport.Connection.Reset(NowMicros);
            throw;
        }
    }

    /// <summary>
    /// An ICMP error for a datagram to <paramref name="remote"/>, which began with <paramref name="quoted"/> (the uTP
    /// header the error quotes). Only the connection that header names takes it (a connect fails at once; an open
    /// connection only if the peer stays silent, see <see cref="UtpConnection.OnUnreachable"/>): an error that quotes
    /// no header of ours is ignored, since anyone who knows our port can forge an ICMP error, but not our connection
    /// ids. (Routers and hosts quote the datagram's start: RFC 1812 asks for as much as fits in 576 bytes.)
    /// </summary>
    public void OnUnreachable(IPEndPoint remote, string what, ReadOnlySpan<byte> quoted)
    {
        using (Enter())
        {
            Unreachables++;
            if (Quoted(remote, quoted) is not { } t) return;
            t.Connection.OnUnreachable(what, NowMicros);
            if (_dirtySet.Add(t)) _dirty.Add(t);
        }
        FlushPending();
    }

    /// <summary>
    /// A router on the way to <paramref name="remote"/> takes datagrams of at most <paramref name="mtu"/> bytes: the
    /// connection the quoted header names fills its packets to fit (the IP, UDP and uTP headers taken off).
    /// </summary>
    public void OnPacketTooBig(IPEndPoint remote, int mtu, ReadOnlySpan<byte> quoted)
    {
        var payload = mtu - (remote.AddressFamily == AddressFamily.InterNetworkV6 ? 40 : 20) - 8 - UtpHeader.Size;
        using (Enter()) Quoted(remote, quoted)?.Connection.OnPacketTooBig(payload);
    }

    /// <summary>The connection whose datagram to <paramref name="remote"/> began with <paramref name="quoted"/>, if any: a SYN names the id we receive on, anything else the id we send on.</summary>
    private UtpTransport? Quoted(IPEndPoint remote, ReadOnlySpan<byte> quoted)
    {
        if (!UtpHeader.TryRead(quoted, out var h)) return null;
        if (h.Type == UtpPacketType.Syn) return _connections.GetValueOrDefault((remote, h.ConnectionId));
        // We send on our receive id + 1 when we dialled, and on the receive id - 1 when we accepted.
        foreach (var id in (ReadOnlySpan<ushort>)[(ushort)(h.ConnectionId - 1), (ushort)(h.ConnectionId + 1)])
            if (_connections.TryGetValue((remote, id), out var t) && t.Connection.SendId == h.ConnectionId) return t;
        return null;
    }

    /// <summary>Ticks every connection's clock, wakes who may go on, and forgets the finished.</summary>
    public void Tick()
    {
        using (Enter())
        {
            var now = NowMicros;
            foreach (var (key, t) in _connections)
            {
                t.Connection.Tick(now);
                t.Wake();
                if (t.Connection.IsFinished) _finished.Add(key);
            }
            foreach (var key in _finished) Forget(key);
            _finished.Clear();
        }
    }
}
