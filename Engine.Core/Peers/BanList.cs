using System.Net;

namespace Engine.Core.Peers;

/// <summary>
/// Banned peers, by <see cref="PeerAddress.Key"/> (the IP address; address and port on a shared host), each for a
/// fixed time. Bounded and O(1): a lookup is one hash probe, a ban one insertion; entries sit in a list in the order
/// they were banned (which, with one duration for all, is the order they expire), so expired ones are dropped from its
/// head as bans are added, and when <c>capacity</c> is reached the oldest ban goes first. A flood of violating
/// connections therefore costs constant memory and time per connection. Pure: the caller passes the time.
/// </summary>
internal sealed class BanList
{
    private readonly record struct Ban(IPEndPoint Key, DateTimeOffset Until);

    private readonly Dictionary<IPEndPoint, LinkedListNode<Ban>> _byKey = new();
    private readonly LinkedList<Ban> _byAge = new();
    private readonly int _capacity;
    private readonly TimeSpan _duration;

    public BanList(int capacity = DefaultCapacity, TimeSpan? duration = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _duration = duration ?? DefaultDuration;
        if (_duration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(duration), "a ban must last a positive time");
    }

    public const int DefaultCapacity = 10_000;
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromHours(1);

    /// <summary>Bans held (some may have expired and not been dropped yet).</summary>
    public int Count => _byKey.Count;

    public int Capacity => _capacity;

    /// <summary>Bans the peer at <paramref name="endPoint"/> (its key) from <paramref name="now"/> for the list's duration; a ban again starts it anew.</summary>
    public void Add(IPEndPoint endPoint, DateTimeOffset now)
    {
        var key = PeerAddress.Key(endPoint);
        DropExpired(now);
        if (_byKey.Remove(key, out var existing)) _byAge.Remove(existing);
        while (_byKey.Count >= _capacity && _byAge.First is { } oldest)
        {
            _byKey.Remove(oldest.Value.Key);
            _byAge.RemoveFirst();
        }
        _byKey.Add(key, _byAge.AddLast(new Ban(key, now + _duration)));
    }

    /// <summary>Whether the peer at <paramref name="endPoint"/> is banned at <paramref name="now"/> (an expired ban is dropped).</summary>
    public bool Contains(IPEndPoint endPoint, DateTimeOffset now)
    {
        if (_byKey.Count == 0) return false;
        var key = PeerAddress.Key(endPoint);
        if (!_byKey.TryGetValue(key, out var node)) return false;
        if (node.Value.Until > now) return true;
        _byKey.Remove(key);
        _byAge.Remove(node);
        return false;
    }

    /// <summary>Lifts the ban on the peer at <paramref name="endPoint"/>, if any.</summary>
    public bool Remove(IPEndPoint endPoint)
    {
        if (!_byKey.Remove(PeerAddress.Key(endPoint), out var node)) return false;
        _byAge.Remove(node);
        return true;
    }

    private void DropExpired(DateTimeOffset now)
    {
        while (_byAge.First is { } oldest && oldest.Value.Until <= now)
        {
            _byKey.Remove(oldest.Value.Key);
            _byAge.RemoveFirst();
        }
    }
}
