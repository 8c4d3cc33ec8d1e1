using System.Net;

namespace Engine.Torrents;

/// <summary>
/// The peer addresses a torrent was given (<c>AddPeers</c>: from the API, a magnet link, its trackers): the
/// <see cref="Capacity"/> most recently given. A PeerManager started again after a failure gets them all, since its
/// peer book died with the one before. Which of a hybrid's addresses were learnt only in its v2 swarm is remembered
/// too (<see cref="UnderV2"/>), so they are dialled with the v2 hash again. Pure; not thread-safe (one actor owns it).
/// </summary>
internal sealed class RememberedPeers(int capacity = RememberedPeers.DefaultCapacity)
{
    /// <summary>Four times the default connection limit: enough to fill it again, small enough for a thousand torrents.</summary>
    public const int DefaultCapacity = 200;

    private readonly LinkedList<IPEndPoint> _order = new(); // least recently given first
    private readonly Dictionary<IPEndPoint, LinkedListNode<IPEndPoint>> _nodes = new();
    private readonly HashSet<IPEndPoint> _underV2 = new(); // learnt only in a hybrid's v2 swarm

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    public int Count => _nodes.Count;

    /// <summary>
    /// Remembers <paramref name="endPoints"/> as the most recent; the least recent beyond <see cref="Capacity"/> are forgotten.
    /// <paramref name="underV2"/>: learnt in a hybrid's v2 swarm; an address given once without it stays a v1 one.
    /// </summary>
    public void Add(IEnumerable<IPEndPoint> endPoints, bool underV2 = false)
    {
        foreach (var endPoint in endPoints)
        {
            var isNew = !_nodes.Remove(endPoint, out var known);
            if (!isNew) _order.Remove(known!);
            if (!underV2) _underV2.Remove(endPoint);
            else if (isNew) _underV2.Add(endPoint);
            _nodes[endPoint] = _order.AddLast(endPoint);
            if (_nodes.Count <= Capacity) continue;
            _underV2.Remove(_order.First!.Value);
            _nodes.Remove(_order.First!.Value);
            _order.RemoveFirst();
        }
    }

    /// <summary>True when <paramref name="endPoint"/> was given only as learnt in a hybrid's v2 swarm.</summary>
    public bool UnderV2(IPEndPoint endPoint) => _underV2.Contains(endPoint);

    /// <summary>Every remembered address, least recently given first.</summary>
    public IReadOnlyList<IPEndPoint> ToList() => [.. _order];
}
