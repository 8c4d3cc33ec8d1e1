using System.Net;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Engine.Core.Dht;
using Engine.Core.Primitives;
using Engine.Datagrams;
using Engine.Dht;

namespace Engine.Tests.Dht;

/// <summary>The DHT node's actor shell, with a probe for its UDP port.</summary>
public sealed class DhtNodeSpec : TestKit
{
    private static readonly InfoHash Hash = InfoHash.FromHex("c0fda1edafdbdbb96443424e0b3899af7159d10e");

    /// <summary>Restarts its one child on any failure, as the engine's root does for the DHT node; passes messages on.</summary>
    private sealed class RestartingParent : ReceiveActor
    {
        public RestartingParent(Props child)
        {
            var node = Context.ActorOf(child, "dht");
            ReceiveAny(m => node.Forward(m));
        }

        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Restart);
    }

    private static DhtOptions Options => new() { BootstrapNodes = ["192.0.2.1:6881"] };

    private static GetPeersQuery? AsGetPeers(object m)
    {
        if (m is not UdpPort.Send send) return null;
        try { return KrpcCodec.Decode(send.Packet) as GetPeersQuery; }
        catch (KrpcException) { return null; }
    }

    private void ExpectLookupOf(TestProbe udp, InfoHash hash) =>
        udp.FishForMessage(m => AsGetPeers(m) is { } q && q.InfoHash.Equals(hash), TimeSpan.FromSeconds(10));

    [Fact]
    public void A_tracked_torrent_is_looked_up_at_once_and_still_after_the_node_is_restarted_by_a_failure()
    {
        var udp = CreateTestProbe();
        var torrent = CreateTestProbe();
        var parent = Sys.ActorOf(Props.Create(() => new RestartingParent(DhtNode.Props(Options, udp.Ref, null))));
        parent.Tell(new DhtNode.Track(Hash, 6881, torrent.Ref));
        ExpectLookupOf(udp, Hash);

        Sys.ActorSelection(parent.Path / "dht").Tell(Kill.Instance); // the node fails; its supervisor starts it again in place
        udp.FishForMessage(m => m is UdpPort.RegisterDht, TimeSpan.FromSeconds(10));
        ExpectLookupOf(udp, Hash); // nobody told it again: it kept the torrent across the restart
    }

    [Fact]
    public void A_node_starts_from_its_saved_table_with_the_saved_id_and_joins_through_the_saved_nodes()
    {
        var dir = Directory.CreateTempSubdirectory("dhtnode");
        try
        {
            var path = Path.Combine(dir.FullName, "dht.dat");
            var id = NodeId.Random(new Random(5));
            var nodes = Enumerable.Range(1, 5).Select(i => new DhtContact(NodeId.Random(new Random(i)), new IPEndPoint(IPAddress.Parse($"198.51.100.{i}"), 6881))).ToList();
            File.WriteAllBytes(path, new DhtSavedState(id, nodes).Encode());

            var udp = CreateTestProbe();
            var node = Sys.ActorOf(DhtNode.Props(Options with { BootstrapNodes = [] }, udp.Ref, path));
            // The join goes to the saved nodes, from the saved id.
            var asked = new HashSet<IPEndPoint>();
            udp.FishForMessage(m =>
            {
                if (m is UdpPort.Send s && KrpcCodec.Decode(s.Packet) is KrpcQuery q && q.Sender.Equals(id)) asked.Add(s.To);
                return asked.Count == nodes.Count;
            }, TimeSpan.FromSeconds(10));
            Assert.Equal(nodes.Select(n => n.EndPoint).ToHashSet(), asked);
        }
        finally { dir.Delete(recursive: true); }
    }
}
