using System.Net;
using Engine.Core.Dht;
using Engine.Core.Primitives;

namespace Engine.Bench.Dht;

/// <summary>
/// Memory per stored peer: a node is announced <c>count</c> peers (100 per info-hash, each from its own address with
/// the token its get_peers gave it), and its managed heap and RSS are compared before and after.
/// </summary>
internal static class StoreRun
{
    private sealed class Effects : IDhtEffects
    {
        public byte[]? Last { get; private set; }
        public void Send(byte[] packet, IPEndPoint to) => Last = packet;
        public void PeersFound(int lookup, InfoHash infoHash, IReadOnlyList<IPEndPoint> peers) { }
        public void LookupDone(LookupReport report) { }
        public void PeerAnnounced(InfoHash infoHash, IPEndPoint peer) { }
    }

    public static bool Run(int count)
    {
        var rng = new Random(17);
        var fx = new Effects();
        var now = new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero);
        var node = new DhtCore(NodeId.Random(rng), new DhtSettings(), fx, rng, now);
        var hashes = Enumerable.Range(0, Math.Max(1, count / 100)).Select(_ => NodeId.Random(rng).ToInfoHash()).ToArray();
        var heap = Measure.Heap();
        var rss = Measure.SettledRss();
        for (var i = 0; i < count; i++)
        {
            var from = new IPEndPoint(new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]), 6881);
            var id = NodeId.Random(rng);
            var hash = hashes[i % hashes.Length];
            now += TimeSpan.FromMilliseconds(2.5); // two queries each: within the node's ration of 1000 a second
            node.OnPacket(KrpcCodec.Encode(new GetPeersQuery([1], id, hash)), from, now);
            var token = ((KrpcResponse)KrpcCodec.Decode(fx.Last!)).Token!;
            node.OnPacket(KrpcCodec.Encode(new AnnouncePeerQuery([2], id, hash, 40000 + i % 20000, false, token)), from, now);
        }
        var heapAfter = Measure.Heap();
        var rssAfter = Measure.SettledRss();
        Console.WriteLine($"store: {node.Store.PeerCount:N0} peers of {node.Store.TorrentCount:N0} torrents stored (of {count:N0} announced): " +
                          $"heap +{Measure.MiB(heapAfter - heap)} ({(heapAfter - heap) / Math.Max(1, node.Store.PeerCount)} B a peer), RSS +{Measure.MiB(rssAfter - rss)}");
        GC.KeepAlive(node);
        return node.Store.PeerCount == Math.Min(count, hashes.Length * 100);
    }
}
