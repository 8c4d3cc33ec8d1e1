using Akka.Actor;
using Engine.Core.Pieces;
using Engine.Events;
using Engine.Runtime;
using Engine.Tests.Support;
using Engine.Trackers;
using Engine.Torrents;

namespace Engine.Tests.Torrents;

/// <summary>
/// An idle seed runs as few actors as it can (docs/performance.md, 10 000 idle torrents): a complete torrent has no
/// PeerManager until it needs one — a peer calling, an address to dial — and a torrent that names no tracker has no
/// tracker client. Each test then shows the torrent doing its job once the need comes. Two engines on 127.0.0.1.
/// </summary>
public sealed class TorrentChildrenOnDemandTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly GeneratedTorrent _data = GeneratedTorrent.Create("on-demand", [("a.bin", 600 * 1024)], 64 * 1024, seed: 7);

    public void Dispose() => _data.Dispose();

    private static Task<bool> HasChildAsync(EngineNode node, string name) => HasChildAsync(node.Engine.System, node.Torrent, name);

    private static async Task<bool> HasChildAsync(ActorSystem system, IActorRef torrent, string name)
    {
        try
        {
            await system.ActorSelection(torrent.Path / name).ResolveOne(TimeSpan.FromSeconds(2));
            return true;
        }
        catch (ActorNotFoundException)
        {
            return false;
        }
    }

    [Fact]
    public async Task A_complete_torrent_without_trackers_seeds_with_no_peer_manager_and_no_tracker_client_until_a_peer_calls()
    {
        await using var seeder = await EngineNode.StartAsync("seeder", _data.Metainfo, _data.SeedDirectory, _data.Root);
        await seeder.WaitForAsync(TorrentState.Seeding, Bound);
        Assert.False(await HasChildAsync(seeder, "peers"), "an idle seed started its PeerManager");
        Assert.False(await HasChildAsync(seeder, "tracker"), "a torrent with no tracker started a tracker client");
        Assert.Empty(await seeder.PeersAsync());
        Assert.Empty(await seeder.Torrent.Ask<List<TrackerClient.TrackerState>>(new TorrentActor.GetTrackers(), Bound));

        await using var leecher = await EngineNode.StartAsync("leecher", _data.Metainfo, _data.NewDirectory("leech"), _data.Root);
        leecher.Connect(seeder);
        await leecher.WaitForAsync(TorrentState.Seeding, Bound);
        _data.AssertSameData(leecher.SaveDirectory);
        Assert.True(await HasChildAsync(seeder, "peers"), "the seed served a peer without a PeerManager");
    }

    [Fact]
    public async Task A_complete_torrent_given_an_address_starts_its_peer_manager_and_dials_it()
    {
        await using var seeder = await EngineNode.StartAsync("seeder", _data.Metainfo, _data.SeedDirectory, _data.Root);
        await using var leecher = await EngineNode.StartAsync("leecher", _data.Metainfo, _data.NewDirectory("leech"), _data.Root);
        await seeder.WaitForAsync(TorrentState.Seeding, Bound);
        Assert.False(await HasChildAsync(seeder, "peers"), "an idle seed started its PeerManager");

        seeder.Connect(leecher); // the seed dials: the leecher gets its data without knowing the seed's address
        await leecher.WaitForAsync(TorrentState.Seeding, Bound);
        _data.AssertSameData(leecher.SaveDirectory);
        Assert.True(await HasChildAsync(seeder, "peers"));
    }

    [Fact]
    public async Task A_complete_torrent_that_wants_a_file_it_skipped_starts_its_peer_manager_and_fetches_it()
    {
        // File a is whole pieces, so b's pieces are b's alone: with b skipped, a copy of a alone is complete.
        using var data = GeneratedTorrent.Create("wanted-later", [("a.bin", 4 * 64 * 1024), ("b.bin", 200 * 1024)], 64 * 1024, seed: 8);
        await using var seeder = await EngineNode.StartAsync("seeder", data.Metainfo, data.SeedDirectory, data.Root);
        var partial = data.NewDirectory("partial");
        var a = Path.Combine(data.Metainfo.Name, "a.bin");
        Directory.CreateDirectory(Path.Combine(partial, data.Metainfo.Name));
        File.Copy(Path.Combine(data.SeedDirectory, a), Path.Combine(partial, a));
        await using var engine = EngineSystem.Start(new EngineOptions { ListenOn = null, ResumeDirectory = data.NewDirectory("partial-resume") }, "partial");
        var added = await engine.Root.Ask<EngineRoot.TorrentAdded>(new EngineRoot.AddTorrent(data.Metainfo, partial,
            Files: new FileLevels([PiecePriorities.Normal, PiecePriorities.Skip])), Bound);
        var torrent = added.Torrent;
        await TestEngine.WaitAsync(torrent, s => s.State == TorrentState.Seeding, Bound, "seeding what it wants");
        Assert.False(await HasChildAsync(engine.System, torrent, "peers"), "an idle seed started its PeerManager");
        var done = await torrent.Ask<TorrentActor.CommandDone>(new TorrentActor.SetFilePriorities([PiecePriorities.Normal, PiecePriorities.Normal]), Bound);

        Assert.Equal(TorrentState.Downloading, done.State);
        Assert.True(await HasChildAsync(engine.System, torrent, "peers"), "a torrent downloading again has no PeerManager");
        TestEngine.Connect(torrent, seeder.EndPoint);
        await TestEngine.WaitCompleteAsync(torrent, Bound);
        data.AssertSameData(partial);
        await EngineSystem.StopAsync(torrent);
    }
}
