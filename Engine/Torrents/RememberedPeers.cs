using System.Net;

namespace Engine.Torrents;

/// <summary>
/// The peer addresses a torrent was given (<c>AddPeers</c>: from the API, a magnet link, its trackers): the
/// <see cref="Capacity"/> most recently given. A PeerManager started again after a failure gets them all, since its
/// peer book died with the one before. Pure; not thread-safe (one actor owns it).
/// </summary>
internal sealed class RememberedPeers(int capacity = RememberedPeers.DefaultCapacity)
{
    /// <summary>Four times the default connection limit: enough to fill it again, small enough for a thousand torrents.</summary>
    public const int DefaultCapacity = 200;

    private readonly LinkedList<IPEndPoint> _order = new(); // least recently given first
    private readonly Dictionary<IPEndPoint, LinkedListNode<IPEndPoint>> _nodes = new();

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    public int Count => _nodes.Count;

    /// <summary>Remembers <paramref name="endPoints"/> as the most recent; the least recent beyond <see cref="Capacity"/> are forgotten.</summary>
    public void Add(IEnumerable<IPEndPoint> endPoints)
    {
        foreach (var endPoint in endPoints)
        {
            if (_nodes.Remove(endPoint, out var known)) _order.Remove(known);
            _nodes[endPoint] = _order.AddLast(endPoint);
            if (_nodes.Count <= Capacity) continue;
            _nodes.Remove(_order.First!.Value);
            _order.RemoveFirst();
        }
    }

    /// <summary>Every remembered address, least recently given first.</summary>
    public IReadOnlyList<IPEndPoint> ToList() => [.. _order];
}
