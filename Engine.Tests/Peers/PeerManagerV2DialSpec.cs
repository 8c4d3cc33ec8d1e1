using Akka.Actor;
using Akka.TestKit.Xunit2;
using Engine.Core.Buffers;
using Engine.Core.Peers;
using Engine.Core.Primitives;
using Engine.Peers;
using Engine.Tests.Support;

namespace Engine.Tests.Peers;

/// <summary>
/// A hybrid's PeerManager dials each address with the hash of the swarm it was learnt in (BEP 52): the truncated v2 hash
/// for an address learnt only in the v2 swarm, the v1 hash otherwise. Scripted peers on loopback read the handshakes.
/// </summary>
public sealed class PeerManagerV2DialSpec : TestKit, IAsyncLifetime
{
    private readonly InfoHash _v1 = InfoHash.FromHex("00112233445566778899aabbccddeeff00112233");
    private readonly InfoHash _v2 = InfoHash.FromHex("ffeeddccbbaa99887766554433221100ffeeddcc");
    private readonly List<ScriptedPeer> _remotes = new();

    public PeerManagerV2DialSpec() : base(output: null) { }

    private IActorRef StartManager()
    {
        var layout = new TorrentLayout(4 * 32 * 1024, 32 * 1024);
        var ctx = new SwarmContext(_v1, PeerId.CreateOurs(), layout, CreateTestProbe("pieces").Ref, CreateTestProbe("storage").Ref, new BlockPool(8),
            new PeerSettings(), 6881) { V2InfoHash = _v2 };
        var torrent = CreateTestProbe("torrent");
        return torrent.ChildActorOf(PeerManager.Props(ctx, new PeerManagerSettings()));
    }

    private ScriptedPeer Remote()
    {
        var remote = ScriptedPeer.Listen();
        _remotes.Add(remote);
        return remote;
    }

    private static async Task<InfoHash> HashDialledWith(ScriptedPeer remote)
    {
        await remote.AcceptAsync(TimeSpan.FromSeconds(10));
        return (await remote.ReceiveHandshakeAsync(TimeSpan.FromSeconds(10))).InfoHash;
    }

    [Fact]
    public async Task Each_address_is_dialled_with_the_hash_of_the_swarm_it_was_learnt_in()
    {
        var manager = StartManager();
        var v2Swarm = Remote();
        var v1Swarm = Remote();
        var both = Remote();
        manager.Tell(new PeerManager.AddPeers([v1Swarm.EndPoint, both.EndPoint], PeerSource.Dht));
        manager.Tell(new PeerManager.AddPeers([v2Swarm.EndPoint, both.EndPoint], PeerSource.Tracker, UnderV2: true));
        Assert.Equal(_v2, await HashDialledWith(v2Swarm));
        Assert.Equal(_v1, await HashDialledWith(v1Swarm));
        Assert.Equal(_v1, await HashDialledWith(both));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        foreach (var remote in _remotes) await remote.DisposeAsync();
    }
}
