using System.Net;
using Engine.Core.Primitives;

namespace Engine.TrackerServer;

/// <summary>
/// The peers of one torrent. Peers live in a list (O(1) swap-removal, random sampling by position) with an index by peer id
/// and one by address and port (one listener holds an address and port: the registry keeps one entry for each);
/// seeders and completions are counted incrementally. Not thread-safe: the registry owns it.
/// </summary>
internal sealed class Swarm(InfoHash infoHash)
{
    internal sealed class Peer(PeerId id)
    {
        public PeerId Id { get; } = id;
        public IPEndPoint Endpoint = null!;
        public long Left, Uploaded, Downloaded;
        public DateTimeOffset LastSeen;
        public bool CountedCompleted;
    }

    private readonly List<Peer> _peers = [];
    private readonly Dictionary<PeerId, int> _index = [];
    private readonly Dictionary<IPEndPoint, Peer> _atEndpoint = [];

    public InfoHash InfoHash { get; } = infoHash;
    public int Count => _peers.Count;
    public int Seeders { get; private set; }
    public int Leechers => _peers.Count - Seeders;
    public int Completed { get; private set; }
    public bool Published { get; set; }
    public DateTimeOffset NextSweep { get; set; }

    /// <summary>The node of this swarm in the registry's least-recently-announced list (null for published swarms).</summary>
    public LinkedListNode<Swarm>? LruNode { get; set; }

    public IReadOnlyList<Peer> Peers => _peers;

    public Peer? Find(PeerId id) => _index.TryGetValue(id, out var at) ? _peers[at] : null;

    /// <summary>The peer whose address and port are <paramref name="endpoint"/>, if any.</summary>
    public Peer? At(IPEndPoint endpoint) => _atEndpoint.GetValueOrDefault(endpoint);

    public Peer Add(PeerId id, IPEndPoint endpoint, long left, long uploaded, long downloaded, DateTimeOffset now)
    {
        var peer = new Peer(id) { Endpoint = endpoint, Left = left, Uploaded = uploaded, Downloaded = downloaded, LastSeen = now };
        _index.Add(id, _peers.Count);
        _peers.Add(peer);
        _atEndpoint[endpoint] = peer;
        if (left == 0) Seeders++;
        return peer;
    }

    public void Update(Peer peer, IPEndPoint endpoint, long left, long uploaded, long downloaded, DateTimeOffset now)
    {
        if (peer.Left == 0 && left != 0) Seeders--;
        else if (peer.Left != 0 && left == 0) Seeders++;
        if (!peer.Endpoint.Equals(endpoint))
        {
            if (_atEndpoint.GetValueOrDefault(peer.Endpoint) == peer) _atEndpoint.Remove(peer.Endpoint);
            _atEndpoint[endpoint] = peer;
        }
        peer.Endpoint = endpoint;
        peer.Left = left;
        peer.Uploaded = uploaded;
        peer.Downloaded = downloaded;
        peer.LastSeen = now;
    }

    /// <summary>Counts a completion once per stored peer.</summary>
    public void MarkCompleted(Peer peer)
    {
        if (peer.CountedCompleted) return;
        peer.CountedCompleted = true;
        Completed = Completed == int.MaxValue ? int.MaxValue : Completed + 1;
    }

    public bool Remove(PeerId id)
    {
        if (!_index.TryGetValue(id, out var at)) return false;
        RemoveAt(at);
        return true;
    }

    /// <summary>Drops peers last seen at or before <paramref name="deadline"/>. Returns how many went.</summary>
    public int RemoveSeenBefore(DateTimeOffset deadline)
    {
        var removed = 0;
        for (var i = _peers.Count - 1; i >= 0; i--)
        {
            if (_peers[i].LastSeen > deadline) continue;
            RemoveAt(i);
            removed++;
        }
        return removed;
    }

    /// <summary>
    /// Up to <paramref name="count"/> peers chosen uniformly at random, never <paramref name="self"/>; a seeder
    /// asking gets no other seeders. A partial Fisher-Yates shuffle over <paramref name="scratch"/> (indices, reused
    /// by the caller) so the swarm itself is not reordered: O(peers) int writes plus O(visited) peer reads.
    /// </summary>
    public void Sample(int count, PeerId self, bool askerIsSeeder, Random random, ref int[] scratch, List<IPEndPoint> endpoints, List<PeerId> ids)
    {
        var n = _peers.Count;
        if (count <= 0 || n == 0) return;
        if (scratch.Length < n) scratch = new int[Math.Max(n, scratch.Length * 2)];
        for (var i = 0; i < n; i++) scratch[i] = i;
        for (var i = 0; i < n && endpoints.Count < count; i++)
        {
            var j = random.Next(i, n);
            (scratch[i], scratch[j]) = (scratch[j], scratch[i]);
            var peer = _peers[scratch[i]];
            if (askerIsSeeder && peer.Left == 0) continue;
            if (peer.Id.Equals(self)) continue;
            endpoints.Add(peer.Endpoint);
            ids.Add(peer.Id);
        }
    }

    private void RemoveAt(int at)
    {
        var peer = _peers[at];
        if (peer.Left == 0) Seeders--;
        if (_atEndpoint.GetValueOrDefault(peer.Endpoint) == peer) _atEndpoint.Remove(peer.Endpoint);
        var last = _peers.Count - 1;
        if (at != last)
        {
            _peers[at] = _peers[last];
            _index[_peers[at].Id] = at;
        }
        _peers.RemoveAt(last);
        _index.Remove(peer.Id);
    }
}
