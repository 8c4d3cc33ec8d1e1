using System.Net;

namespace Engine.Core.Peers;

/// <summary>
/// The connections accepted by the listener that have not sent their handshake yet, and the rules that keep a flood
/// of them from shutting honest peers out (a slowloris sends a byte and waits). Each host may have only a few waiting
/// at once (<c>maxPerHost</c>; a shared host — 127.0.0.1, ::1 — is exempt, see <see cref="PeerAddress"/>). A
/// connection gets less time the fuller the queue is when it arrives: the full deadline when the queue is empty,
/// falling linearly to <c>minDeadline</c> as it fills. When the queue is full, the connection that has waited longest
/// is evicted to make room: honest peers send their 68 bytes within a round trip of connecting, so an attacker would
/// have to open <c>max</c> connections within that round trip to push one out — holding the queue takes hundreds of
/// connections a second instead of one byte per place every 20 s. Pure: the caller passes the time and carries out the
/// evictions. O(1) per call.
/// </summary>
internal sealed class HandshakeQueue
{
    private readonly record struct Waiting(long Id, IPEndPoint Host, DateTimeOffset Since);

    private readonly Dictionary<long, LinkedListNode<Waiting>> _byId = new();
    private readonly LinkedList<Waiting> _byAge = new();
    private readonly Dictionary<IPEndPoint, int> _perHost = new();
    private readonly int _max;
    private readonly int _maxPerHost;
    private readonly TimeSpan _deadline;
    private readonly TimeSpan _minDeadline;
    private long _nextId;

    public HandshakeQueue(int max = DefaultMax, int maxPerHost = DefaultMaxPerHost, TimeSpan? deadline = null, TimeSpan? minDeadline = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerHost, 1);
        _max = max;
        _maxPerHost = maxPerHost;
        _deadline = deadline ?? TimeSpan.FromSeconds(20);
        _minDeadline = minDeadline ?? TimeSpan.FromSeconds(2);
        if (_minDeadline <= TimeSpan.Zero || _minDeadline > _deadline)
            throw new ArgumentOutOfRangeException(nameof(minDeadline), "the shortest deadline must be positive and at most the full one");
    }

    public const int DefaultMax = 64;
    public const int DefaultMaxPerHost = 4;

    /// <summary>Connections waiting for their handshake.</summary>
    public int Count => _byId.Count;

    /// <summary>Decides on a connection from <paramref name="remote"/> arriving at <paramref name="now"/>.</summary>
    public HandshakeAdmission Admit(IPEndPoint remote, DateTimeOffset now)
    {
        var host = PeerAddress.Key(remote);
        var shared = PeerAddress.IsSharedHost(host.Address);
        if (!shared && _perHost.GetValueOrDefault(host) >= _maxPerHost)
            return HandshakeAdmission.Refused($"{_maxPerHost} connections from {host.Address} are waiting for their handshake already");
        long? evicted = null;
        if (_byId.Count >= _max)
        {
            var oldest = _byAge.First!.Value;
            Remove(oldest.Id);
            evicted = oldest.Id;
        }
        var fill = (double)_byId.Count / _max;
        var deadline = _deadline - (_deadline - _minDeadline) * fill;
        var id = ++_nextId;
        _byId.Add(id, _byAge.AddLast(new Waiting(id, host, now)));
        if (!shared) _perHost[host] = _perHost.GetValueOrDefault(host) + 1;
        return new HandshakeAdmission(true, id, deadline, evicted, null);
    }

    /// <summary>The connection's wait ended (its handshake arrived, it failed, it timed out or was evicted); unknown ids are ignored.</summary>
    public void Done(long id) => Remove(id);

    private void Remove(long id)
    {
        if (!_byId.Remove(id, out var node)) return;
        _byAge.Remove(node);
        var host = node.Value.Host;
        if (!_perHost.TryGetValue(host, out var n)) return;
        if (n <= 1) _perHost.Remove(host);
        else _perHost[host] = n - 1;
    }
}
