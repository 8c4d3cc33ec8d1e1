using System.Net;
using Engine.Core.Peers;

namespace Engine.TrackerServer;

/// <summary>
/// The HTTP tracker's open connections and the rules that keep idle ones from locking clients out (300 idle
/// connections used to hold the 256 places for 15 s, renewable at will). Per address: at most <c>maxPerAddress</c>
/// open at once (127.0.0.1 and ::1 exempt: local tools and tests share them). Idle — waiting for a request, or for the
/// rest of its head — a connection gets a timeout that shrinks with the load: the full one when the server is quiet,
/// down to <c>minIdle</c> as it fills. When every place is taken, a newcomer evicts the connection idle longest; only
/// when none is idle (all are in the middle of a request) is it refused. Pure: the caller passes the time, closes the
/// evicted and enforces the timeouts. Not thread-safe: one lock around it.
/// </summary>
internal sealed class HttpConnectionTable
{
    private sealed class Connection(long id, IPAddress address)
    {
        public long Id { get; } = id;
        public IPAddress Address { get; } = address;
        public LinkedListNode<Connection>? IdleNode;
    }

    private readonly Dictionary<long, Connection> _open = new();
    private readonly LinkedList<Connection> _idle = new(); // longest idle first
    private readonly Dictionary<IPAddress, int> _perAddress = new();
    private readonly int _max;
    private readonly int _maxPerAddress;
    private readonly TimeSpan _idleTimeout;
    private readonly TimeSpan _minIdle;
    private long _nextId;

    public HttpConnectionTable(int max, int maxPerAddress, TimeSpan idleTimeout, TimeSpan minIdle)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerAddress, 1);
        if (minIdle <= TimeSpan.Zero || minIdle > idleTimeout) throw new ArgumentOutOfRangeException(nameof(minIdle));
        (_max, _maxPerAddress, _idleTimeout, _minIdle) = (max, maxPerAddress, idleTimeout, minIdle);
    }

    public int Open => _open.Count;

    public int Idle => _idle.Count;

    /// <summary>A new connection from <paramref name="remote"/>; it starts idle (waiting for its first request).</summary>
    public HttpAdmission Admit(IPAddress remote, DateTimeOffset now)
    {
        var address = PeerAddress.Normalize(remote);
        var shared = PeerAddress.IsSharedHost(address);
        if (!shared && _perAddress.GetValueOrDefault(address) >= _maxPerAddress)
            return HttpAdmission.Refused($"{_maxPerAddress} connections from {address} are open already");
        long? evicted = null;
        if (_open.Count >= _max)
        {
            if (_idle.First is not { } oldest) return HttpAdmission.Refused($"all {_max} connections are busy with requests");
            Close(oldest.Value.Id);
            evicted = oldest.Value.Id;
        }
        var c = new Connection(++_nextId, address);
        _open.Add(c.Id, c);
        if (!shared) _perAddress[address] = _perAddress.GetValueOrDefault(address) + 1;
        c.IdleNode = _idle.AddLast(c);
        return new HttpAdmission(true, c.Id, evicted, null);
    }

    /// <summary>The connection waits for a request (again): how long it may wait, shorter the fuller the server is.</summary>
    public TimeSpan WaitingForRequest(long id)
    {
        if (_open.TryGetValue(id, out var c) && c.IdleNode is null) c.IdleNode = _idle.AddLast(c);
        var load = Math.Min(1.0, (double)_open.Count / _max);
        var timeout = _idleTimeout - (_idleTimeout - _minIdle) * load;
        return timeout < _minIdle ? _minIdle : timeout;
    }

    /// <summary>A whole request head arrived: the connection is busy (not evicted) until it waits again.</summary>
    public void Busy(long id)
    {
        if (!_open.TryGetValue(id, out var c) || c.IdleNode is null) return;
        _idle.Remove(c.IdleNode);
        c.IdleNode = null;
    }

    /// <summary>The connection closed (or was evicted); unknown ids are ignored.</summary>
    public void Close(long id)
    {
        if (!_open.Remove(id, out var c)) return;
        if (c.IdleNode is not null) _idle.Remove(c.IdleNode);
        if (!_perAddress.TryGetValue(c.Address, out var n)) return;
        if (n <= 1) _perAddress.Remove(c.Address);
        else _perAddress[c.Address] = n - 1;
    }
}
