using System.Net;
using Engine.Core.Dht;
using Engine.Core.Primitives;

namespace Engine.Tests.Core.Dht;

/// <summary>
/// Many <see cref="DhtCore"/> nodes in one process, on a simulated network with latency and virtual time: datagrams
/// are delivered in time order, every node ticks once a second. Deterministic for a seed.
/// </summary>
internal sealed class DhtSimulation
{
    public sealed class Node(DhtSimulation net, IPEndPoint endPoint) : IDhtEffects
    {
        public IPEndPoint EndPoint { get; } = endPoint;
        public DhtCore Core { get; set; } = null!;
        public Dictionary<int, LookupReport> Done { get; } = new();
        public Dictionary<int, HashSet<IPEndPoint>> Found { get; } = new();
        public void Send(byte[] packet, IPEndPoint to) => net.Deliver(EndPoint, to, packet);
        public void PeersFound(int lookup, InfoHash infoHash, IReadOnlyList<IPEndPoint> peers)
        {
            if (!Found.TryGetValue(lookup, out var set)) Found[lookup] = set = [];
            set.UnionWith(peers);
        }
        public void LookupDone(LookupReport report) => Done[report.Id] = report;
        public List<(InfoHash, IPEndPoint)> Announced { get; } = new();
        public void PeerAnnounced(InfoHash infoHash, IPEndPoint peer) => Announced.Add((infoHash, peer));
    }

    private readonly PriorityQueue<(IPEndPoint From, IPEndPoint To, byte[] Packet), DateTimeOffset> _wire = new();
    private readonly Random _random;
    private DateTimeOffset _nextTick;

    public DhtSimulation(int nodes, int seed, DhtSettings? settings = null)
    {
        _random = new Random(seed);
        Now = new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero);
        _nextTick = Now + TimeSpan.FromSeconds(1);
        for (var i = 0; i < nodes; i++)
        {
            var node = new Node(this, new IPEndPoint(new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]), 6881));
            node.Core = new DhtCore(NodeId.Random(_random), settings ?? new DhtSettings(), node, new Random(_random.Next()), Now);
            Nodes.Add(node);
            ByEndPoint[node.EndPoint] = node;
        }
    }

    public DateTimeOffset Now { get; private set; }
    public List<Node> Nodes { get; } = new();
    public Dictionary<IPEndPoint, Node> ByEndPoint { get; } = new();
    public long Datagrams { get; private set; }

    /// <summary>Nodes that do not answer (their datagrams are lost).</summary>
    public HashSet<IPEndPoint> Down { get; } = new();

    private void Deliver(IPEndPoint from, IPEndPoint to, byte[] packet)
    {
        Datagrams++;
        if (Down.Contains(to) || !ByEndPoint.ContainsKey(to)) return;
        _wire.Enqueue((from, to, packet), Now + TimeSpan.FromMilliseconds(_random.Next(10, 80)));
    }

    /// <summary>Runs the network until <paramref name="done"/> holds or <paramref name="limit"/> of virtual time passes.</summary>
    public bool RunUntil(Func<bool> done, TimeSpan limit)
    {
        var end = Now + limit;
        while (!done())
        {
            var next = _wire.TryPeek(out _, out var at) && at < _nextTick ? at : _nextTick;
            if (next > end) return false;
            Now = next;
            if (next == _nextTick)
            {
                foreach (var n in Nodes) n.Core.OnTick(Now);
                _nextTick += TimeSpan.FromSeconds(1);
                continue;
            }
            var (from, to, packet) = _wire.Dequeue();
            ByEndPoint[to].Core.OnPacket(packet, from, Now);
        }
        return true;
    }

    /// <summary>Every node but the first bootstraps from the first (as a router: its id unknown); waits until all lookups end.</summary>
    public void Bootstrap(TimeSpan limit)
    {
        var router = Nodes[0].EndPoint;
        for (var i = 1; i < Nodes.Count; i++)
        {
            Nodes[i].Core.Bootstrap([], [router], Now);
            RunUntil(() => false, TimeSpan.FromMilliseconds(20)); // staggered joins, as on a real network
        }
        Nodes[0].Core.FindNode(Nodes[0].Core.Id, Now);
        RunUntil(() => Nodes.All(n => n.Core.LookupsRunning == 0 && n.Core.LookupsWaiting == 0), limit);
    }
}
