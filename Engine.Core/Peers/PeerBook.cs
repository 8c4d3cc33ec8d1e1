using System.Net;
using Engine.Core.Primitives;

namespace Engine.Core.Peers;

/// <summary>
/// Known peer addresses for one torrent, with exponential backoff for those that failed. Pure: the caller
/// passes the time. The PeerManager asks it for the next addresses to dial.
/// A ban (<see cref="Ban"/>: the peer broke the protocol or sent bad data) covers the whole IP address, since a
/// peer that connects to us comes back from a new port every time. A shared host (127.0.0.1, ::1: see
/// <see cref="PeerAddress"/>) is the exception: several peers on one machine (local clients, tests) share it, so there
/// a ban covers the address and port only. Bans live in a <see cref="BanList"/> (bounded, expiring, O(1)); banning an
/// address adds no entry to the book, so a flood of violating connections neither grows the book nor slows its scans.
/// An address given up after too many failed dials is not banned by IP: it was unreachable, not hostile.
/// A hybrid torrent is one torrent in two swarms (BEP 52): an address learnt only in its v2 swarm (announced under the
/// truncated v2 info-hash) is dialled with that hash (<see cref="LearntUnderV2"/>), since such a peer (a client given only
/// the v2 hash) may know no other; one learnt in the v1 swarm too, or from a source that cannot tell, with the v1 hash.
/// </summary>
internal sealed class PeerBook
{
    private sealed class Entry(IPEndPoint endPoint, PeerSource source)
    {
        public IPEndPoint EndPoint { get; } = endPoint;
        public PeerSource Source { get; } = source;
        public bool UnderV2;
        public int Failures;
        public DateTimeOffset RetryAt;
        public bool Connected;
        public bool Banned;
    }

    private readonly Dictionary<IPEndPoint, Entry> _entries = new();
    private readonly List<Entry> _order = new();
    private readonly BanList _bans;
    private readonly HashSet<IPEndPoint> _own = new();
    private readonly TimeSpan _baseBackoff;
    private readonly int _maxFailures;
    private readonly int _capacity;

    public PeerBook(TimeSpan? baseBackoff = null, int maxFailures = 8, int capacity = 4000, BanList? bans = null)
    {
        _baseBackoff = baseBackoff ?? TimeSpan.FromSeconds(15);
        _maxFailures = maxFailures;
        _capacity = capacity;
        _bans = bans ?? new BanList();
    }

    public int Count => _entries.Count;

    /// <summary>Bans held (by IP address, or address and port on a shared host).</summary>
    public int BanCount => _bans.Count;

    /// <summary>
    /// Adds addresses we have not seen, learnt from <paramref name="source"/>; returns how many were new.
    /// <paramref name="underV2"/>: learnt in a hybrid's v2 swarm; an address known already and now learnt in the v1 swarm
    /// is dialled with the v1 hash from then on.
    /// </summary>
    public int Add(IEnumerable<IPEndPoint> endPoints, PeerSource source = PeerSource.Tracker, bool underV2 = false)
    {
        var added = 0;
        foreach (var ep in endPoints)
        {
            if (ep.Port == 0 || _own.Contains(ep)) continue;
            if (_entries.TryGetValue(ep, out var known))
            {
                if (!underV2) known.UnderV2 = false;
                continue;
            }
            if (_entries.Count >= _capacity) continue; // full: no new address, though known ones may still learn they are in the v1 swarm
            var e = new Entry(ep, source) { UnderV2 = underV2 };
            _entries.Add(ep, e);
            _order.Add(e);
            added++;
        }
        return added;
    }

    /// <summary>Whether <paramref name="endPoint"/> is in the book.</summary>
    public bool Knows(IPEndPoint endPoint) => _entries.ContainsKey(endPoint);

    /// <summary>True when <paramref name="endPoint"/> was learnt only in a hybrid's v2 swarm: it is dialled with the v2 hash.</summary>
    public bool LearntUnderV2(IPEndPoint endPoint) => _entries.TryGetValue(endPoint, out var e) && e.UnderV2;

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
            if (e.Connected || Excluded(e, now) || e.RetryAt > now) continue;
            e.Connected = true;
            result.Add(e.EndPoint);
        }
        return result;
    }

    /// <summary>Marks an address as connected (the listen address of a peer that connected to us); false when banned.</summary>
    public bool MarkConnected(IPEndPoint endPoint, DateTimeOffset now)
    {
        if (_bans.Contains(endPoint, now) || _own.Contains(endPoint)) return false;
        if (!_entries.TryGetValue(endPoint, out var e))
        {
            Add([endPoint]);
            if (!_entries.TryGetValue(endPoint, out e)) return true;
        }
        if (e.Banned) return false; // given up after failed dials
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

    /// <summary>
    /// <paramref name="endPoint"/> is us (our own public address, or one a peer sees us at, with our listen port): it
    /// leaves the book, is never added, dialled, nor taken as a peer's listen address, whoever names it, and is not
    /// counted as a known peer. Unlike a ban, the IP's other ports stay dialable. At most <see cref="MaxOwn"/> are held.
    /// </summary>
    /// <returns>False when it was marked already or the bound is reached.</returns>
    public bool MarkOwn(IPEndPoint endPoint)
    {
        if (_own.Count >= MaxOwn || !_own.Add(endPoint)) return false;
        if (_entries.Remove(endPoint, out var e)) _order.Remove(e);
        return true;
    }

    /// <summary>How many of our own endpoints <see cref="MarkOwn"/> holds at most.</summary>
    public const int MaxOwn = 16;

    /// <summary>Bans the peer at <paramref name="endPoint"/> from <paramref name="now"/>: its IP address, or only this address and port on a shared host.</summary>
    public void Ban(IPEndPoint endPoint, DateTimeOffset now) => _bans.Add(endPoint, now);

    /// <summary>Banned now, given up after failed dials, or our own.</summary>
    public bool IsBanned(IPEndPoint endPoint, DateTimeOffset now)
        => _bans.Contains(endPoint, now) || _entries.TryGetValue(endPoint, out var e) && e.Banned || _own.Contains(endPoint);

    private bool Excluded(Entry e, DateTimeOffset now) => e.Banned || _bans.Contains(e.EndPoint, now);

    /// <summary>When the next backed-off address becomes dialable, or null if none is waiting.</summary>
    public DateTimeOffset? NextRetry(DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        foreach (var e in _order)
            if (!e.Connected && !Excluded(e, now) && (next is null || e.RetryAt < next)) next = e.RetryAt;
        return next;
    }
}
