using System.Net;
using Engine.Core.Primitives;

namespace Engine.Core.Peers;

/// <summary>
/// Known peer addresses for one torrent, with exponential backoff for those that failed. Pure: the caller
/// passes the time. The PeerManager asks it for the next addresses to dial.
/// A ban (<see cref="Ban"/>: the peer broke the protocol or sent bad data) covers the whole IP address, since a
/// peer that connects to us comes back from a new port every time. Loopback addresses are the exception: several
/// peers on one machine (local clients, tests) share one, so there a ban covers the address and port only. An address
/// given up after too many failed dials is not banned by IP: it was unreachable, not hostile.
/// </summary>
internal sealed class PeerBook
{
    private sealed class Entry(IPEndPoint endPoint, PeerSource source)
    {
        public IPEndPoint EndPoint { get; } = endPoint;
        public PeerSource Source { get; } = source;
        public int Failures;
        public DateTimeOffset RetryAt;
        public bool Connected;
        public bool Banned;
    }

    private readonly Dictionary<IPEndPoint, Entry> _entries = new();
    private readonly List<Entry> _order = new();
    private readonly HashSet<IPAddress> _bannedAddresses = new();
    private readonly TimeSpan _baseBackoff;
    private readonly int _maxFailures;
    private readonly int _capacity;

    public PeerBook(TimeSpan? baseBackoff = null, int maxFailures = 8, int capacity = 4000)
    {
        _baseBackoff = baseBackoff ?? TimeSpan.FromSeconds(15);
        _maxFailures = maxFailures;
        _capacity = capacity;
    }

    public int Count => _entries.Count;

    /// <summary>Adds addresses we have not seen, learnt from <paramref name="source"/>; returns how many were new.</summary>
    public int Add(IEnumerable<IPEndPoint> endPoints, PeerSource source = PeerSource.Tracker)
    {
        var added = 0;
        foreach (var ep in endPoints)
        {
            if (_entries.Count >= _capacity) break;
            if (ep.Port == 0 || _entries.ContainsKey(ep)) continue;
            var e = new Entry(ep, source);
            _entries.Add(ep, e);
            _order.Add(e);
            added++;
        }
        return added;
    }

    /// <summary>Where we first learnt of <paramref name="endPoint"/> (<see cref="PeerSource.Incoming"/> when not in the book).</summary>
    public PeerSource SourceOf(IPEndPoint endPoint) => _entries.TryGetValue(endPoint, out var e) ? e.Source : PeerSource.Incoming;

    /// <summary>Up to <paramref name="max"/> addresses that may be dialled now, marked connected.</summary>
    public List<IPEndPoint> Take(int max, DateTimeOffset now)
    {
        var result = new List<IPEndPoint>();
        if (max <= 0) return result;
        foreach (var e in _order)
        {
            if (result.Count >= max) break;
            if (e.Connected || Excluded(e) || e.RetryAt > now) continue;
            e.Connected = true;
            result.Add(e.EndPoint);
        }
        return result;
    }

    /// <summary>Marks an address as connected (the listen address of a peer that connected to us); false when banned.</summary>
    public bool MarkConnected(IPEndPoint endPoint)
    {
        if (_bannedAddresses.Contains(Normalize(endPoint.Address))) return false;
        if (!_entries.TryGetValue(endPoint, out var e))
        {
            Add([endPoint]);
            if (!_entries.TryGetValue(endPoint, out e)) return true;
        }
        if (e.Banned) return false; // its IP was checked above
        e.Connected = true;
        return true;
    }

    /// <summary>
    /// The connection ended. A clean session resets the backoff (the address may be dialled again after the
    /// base backoff, or after <paramref name="retryIn"/> when given); a failure doubles it.
    /// </summary>
    public void Disconnected(IPEndPoint endPoint, bool failed, DateTimeOffset now, TimeSpan? retryIn = null)
    {
        if (!_entries.TryGetValue(endPoint, out var e)) return;
        e.Connected = false;
        if (!failed)
        {
            e.Failures = 0;
            e.RetryAt = now + (retryIn ?? _baseBackoff);
            return;
        }
        e.Failures++;
        if (e.Failures >= _maxFailures) { e.Banned = true; return; }
        var factor = 1L << Math.Min(e.Failures - 1, 10);
        e.RetryAt = now + TimeSpan.FromTicks(_baseBackoff.Ticks * factor);
    }

    /// <summary>Bans the peer at <paramref name="endPoint"/>: its IP address, or only this address and port on loopback.</summary>
    public void Ban(IPEndPoint endPoint)
    {
        if (!_entries.TryGetValue(endPoint, out var e))
        {
            e = new Entry(endPoint, PeerSource.Incoming);
            _entries.Add(endPoint, e);
            _order.Add(e);
        }
        e.Banned = true;
        var address = Normalize(endPoint.Address);
        if (!IPAddress.IsLoopback(address)) _bannedAddresses.Add(address);
    }

    public bool IsBanned(IPEndPoint endPoint)
        => _entries.TryGetValue(endPoint, out var e) && e.Banned || _bannedAddresses.Contains(Normalize(endPoint.Address));

    private bool Excluded(Entry e) => e.Banned || _bannedAddresses.Count > 0 && _bannedAddresses.Contains(Normalize(e.EndPoint.Address));

    private static IPAddress Normalize(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;

    /// <summary>When the next backed-off address becomes dialable, or null if none is waiting.</summary>
    public DateTimeOffset? NextRetry()
    {
        DateTimeOffset? next = null;
        foreach (var e in _order)
            if (!e.Connected && !Excluded(e) && (next is null || e.RetryAt < next)) next = e.RetryAt;
        return next;
    }
}
