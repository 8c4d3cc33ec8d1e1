using System.Net;
using Engine.Core.Dht;

namespace Engine.Tests.Core.Dht;

/// <summary>A node that comes back with its saved routing table joins through it; the routers are only the fallback.</summary>
public sealed class DhtRestartTests
{
    private static readonly IPEndPoint Router = new(IPAddress.Parse("192.0.2.1"), 6881);

    private static (DhtSimulation Net, DhtSimulation.Node Node, List<DhtContact> Saved) Restarted(int seed)
    {
        var net = new DhtSimulation(40, seed);
        net.Bootstrap(TimeSpan.FromMinutes(5));
        var node = net.Nodes[7];
        var saved = node.Core.Table.Contacts().ToList();
        node.Core = new DhtCore(node.Core.Id, new DhtSettings(), node, new Random(seed), net.Now); // the same node, started again
        return (net, node, saved);
    }

    [Fact]
    public void A_node_restarted_with_its_saved_table_joins_through_it_and_never_asks_the_routers()
    {
        var (net, node, saved) = Restarted(41);
        Assert.True(saved.Count >= 8, $"only {saved.Count} nodes saved");
        net.Watched.Add(Router);

        node.Core.Bootstrap(saved, [], net.Now);
        node.Core.Bootstrap([], [Router], net.Now); // the routers resolve later, while the join runs
        Assert.True(net.RunUntil(() => node.Core.LookupsRunning == 0 && node.Core.LookupsWaiting == 0, TimeSpan.FromMinutes(2)));
        net.RunUntil(() => false, TimeSpan.FromMinutes(3));

        Assert.True(node.Core.Table.Count >= saved.Count / 2, $"{node.Core.Table.Count} nodes after the join, {saved.Count} saved");
        Assert.Equal(0, net.SentTo.GetValueOrDefault(Router));
    }

    [Fact]
    public void When_no_saved_node_answers_the_routers_are_asked_at_once()
    {
        var (net, node, _) = Restarted(42);
        var gone = Enumerable.Range(1, 8).Select(i => new DhtContact(NodeId.Random(new Random(i)), new IPEndPoint(IPAddress.Parse($"203.0.113.{i}"), 6881))).ToList();
        var router = net.Nodes[0].EndPoint; // a live node, its id unknown to us: what a router is
        net.Watched.Add(router);

        node.Core.Bootstrap(gone, [], net.Now);
        node.Core.Bootstrap([], [router], net.Now);
        var started = net.Now;
        Assert.True(net.RunUntil(() => node.Core.Table.Count >= 8, TimeSpan.FromMinutes(2)), $"table: {node.Core.Table.Count}");
        Assert.True(net.SentTo.GetValueOrDefault(router) > 0);
        // One query timeout for the saved nodes, then the routers: well before the 30 s bootstrap retry.
        Assert.True(net.Now - started < new DhtSettings().BootstrapRetry, $"took {net.Now - started}");
    }
}
