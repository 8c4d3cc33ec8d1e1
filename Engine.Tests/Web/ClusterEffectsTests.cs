using System.Net;
using Engine.Host.Web;
using Engine.Host.Web.Cluster;
using Engine.Host.Web.Ui;
using Engine.Tests.Cluster.Api;
using Engine.Tests.Interop;

namespace Engine.Tests.Web;

/// <summary>The page's limit and file-priority commands on a cluster node (one in-process node), without a browser.</summary>
public sealed class ClusterEffectsTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new("cluster-effects");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Limits_and_priorities_go_into_the_catalog_and_the_next_details_show_them_bad_ones_are_refused_as_messages()
    {
        var torrent = TorrentFactory.CreateSeeded(_dir, "effects-data", 96 * 1024, fileCount: 3, pieceLength: 32 * 1024);
        await using var cluster = new ClusterTestNodes(_dir);
        await cluster.StartAsync(1, Bound);
        var node = cluster.Nodes[0];
        var hash = (await node.AddAsync(File.ReadAllBytes(torrent.TorrentPath), replicas: 1)).ToHex();
        await ClusterTestNodes.WaitAsync(() => Task.FromResult(node.Engine.Find(torrent.InfoHash) is not null), Bound, "the replica");
        var effects = new ClusterEffects(node, new WebEngine(node.Engine, new WebOptions(IPAddress.Loopback, 0, _dir.Sub("web"))));
        var ct = CancellationToken.None;

        Assert.Equal(new Msg.ActionSucceeded(hash, TorrentAction.SetLimits), await effects.RunAsync(new Cmd.SetTorrentLimits(hash, 300_000, 100_000), ct));
        Assert.Equal(new Msg.ActionSucceeded(hash, TorrentAction.SetFilePriority), await effects.RunAsync(new Cmd.SetFilePriority(hash, 2, "high"), ct));
        var details = Assert.IsType<Msg.DetailsLoaded>(await effects.RunAsync(new Cmd.LoadDetails(hash), ct)).Details;
        Assert.Equal((300_000L, 100_000L), (details.UploadLimit!.Value, details.DownloadLimit!.Value));
        Assert.Equal(["normal", "normal", "high"], details.Files.OrderBy(f => f.Index).Select(f => f.Priority));
        await ClusterTestNodes.WaitAsync(() => Task.FromResult(node.Engine.Find(torrent.InfoHash)!.Options is { UploadLimit: 300_000, DownloadLimit: 100_000 }),
            Bound, "the holder's engine limited");

        Assert.IsType<Msg.ActionFailed>(await effects.RunAsync(new Cmd.SetTorrentLimits(hash, 0, null), ct));
        Assert.IsType<Msg.ActionFailed>(await effects.RunAsync(new Cmd.SetFilePriority(hash, 2, "urgent"), ct));
        Assert.IsType<Msg.ActionFailed>(await effects.RunAsync(new Cmd.SetFilePriority(hash, 7, "low"), ct));
        var unknown = new string('1', 40);
        Assert.Equal(new Msg.ActionFailed(unknown, TorrentAction.SetLimits, "no such torrent in the cluster"),
            await effects.RunAsync(new Cmd.SetTorrentLimits(unknown, 1000, null), ct));
        Assert.IsType<Msg.DetailsLoadFailed>(await effects.RunAsync(new Cmd.LoadDetails(unknown), ct));
    }
}
