using System.Collections.Immutable;
using Engine.Host.Web.Cluster;
using Engine.Host.Web.Ui;
using static Engine.Tests.Web.UiSamples;

namespace Engine.Tests.Web;

/// <summary>The page of a cluster node: the cluster is polled with the list, its answers replace the view, a single engine never asks.</summary>
public sealed class UpdateClusterTests
{
    private const string Self = "akka.tcp://torrent-cluster@127.0.0.1:4053";
    private const string Other = "akka.tcp://torrent-cluster@127.0.0.1:4054";

    private static readonly Model Node = Empty with { Cluster = ClusterView.Empty(Self) };

    private static ClusterView Sample(double progress) => new(Self,
        [new NodeRow(Self, NodeRow.Up, IsSelf: true), new NodeRow(Other, NodeRow.Unreachable, IsSelf: false)],
        [new ClusterTorrentRow(HashA, "a.iso", 1000, 2, false, [Self, Other],
            [new ReplicaRow(Self, "Downloading", progress, (int)(progress * 10), 10, 500, 0)])]);

    [Fact]
    public void Tick_on_a_cluster_node_also_polls_the_cluster()
    {
        var (_, cmd) = Update.Apply(Node, new Msg.Tick());
        Assert.Equal([new Cmd.LoadTorrents(), new Cmd.LoadCluster()], Assert.IsType<Cmd.BatchCmd>(cmd).Cmds);
    }

    [Fact]
    public void Tick_on_a_single_engine_never_polls_a_cluster()
    {
        var (_, cmd) = Update.Apply(Empty, new Msg.Tick());
        Assert.Equal(new Cmd.LoadTorrents(), cmd);
    }

    [Fact]
    public void The_clusters_answer_replaces_the_view_and_clears_an_earlier_error()
    {
        var (failed, _) = Update.Apply(Node, new Msg.ClusterLoadFailed("timed out"));
        Assert.Equal("timed out", failed.ClusterError);
        var (model, cmd) = Update.Apply(failed, new Msg.ClusterLoaded(Sample(0.5)));
        Assert.Equal(Cmd.None, cmd);
        Assert.Null(model.ClusterError);
        Assert.Equal(0.5, Assert.Single(model.Cluster!.Find(HashA)!.Holders).Progress);
        var (later, _) = Update.Apply(model, new Msg.ClusterLoaded(Sample(1)));
        Assert.Equal(1, later.Cluster!.Find(HashA)!.CompleteReplicas);
    }

    [Fact]
    public void A_cluster_answer_on_a_single_engines_page_is_ignored()
    {
        var (model, _) = Update.Apply(Empty, new Msg.ClusterLoaded(Sample(1)));
        Assert.Null(model.Cluster);
        (model, _) = Update.Apply(Empty, new Msg.ClusterLoadFailed("x"));
        Assert.Null(model.ClusterError);
    }

    [Fact]
    public void A_cluster_torrent_lists_with_its_furthest_replica_summed_rates_and_a_state_from_the_catalog()
    {
        var t = new ClusterTorrentRow(HashA, "a.iso", 1000, 2, false, [Self, Other],
            [new ReplicaRow(Self, "Downloading", 0.25, 1, 4, 100, 10), new ReplicaRow(Other, "Checking", 0.5, 2, 4, 200, 20)]);
        var row = ClusterViews.Row(t);
        Assert.Equal((0.5, "Checking", 300.0, 30.0, 500L, 2), (row.Progress, row.State, row.DownloadRate, row.UploadRate, row.VerifiedBytes, row.Peers));
        Assert.Equal("Paused", ClusterViews.Row(t with { IsPaused = true }).State);
        Assert.Equal("Seeding", ClusterViews.Row(t with { Holders = [new ReplicaRow(Self, "Seeding", 1, 4, 4, 0, 0)] }).State);
        Assert.Equal("Downloading", ClusterViews.Row(t with { Holders = ImmutableList<ReplicaRow>.Empty }).State);
    }

    [Fact]
    public void A_member_is_up_joining_or_unreachable_and_knows_whether_it_serves_the_page()
    {
        Assert.Equal(new NodeRow(Self, NodeRow.Up, true), ClusterViews.Node(new Engine.Cluster.Api.ClusterMember(Self, true, true), Self));
        Assert.Equal(NodeRow.Joining, ClusterViews.Node(new Engine.Cluster.Api.ClusterMember(Other, false, true), Self).Status);
        Assert.Equal(NodeRow.Unreachable, ClusterViews.Node(new Engine.Cluster.Api.ClusterMember(Other, true, false), Self).Status);
        Assert.Equal("127.0.0.1:4054", new NodeRow(Other, NodeRow.Up, false).Short);
    }
}
