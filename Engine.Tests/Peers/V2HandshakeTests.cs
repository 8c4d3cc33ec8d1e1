using Engine.Core.Metainfo;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using Engine.Events;
using Engine.Metainfo;
using Engine.Tests.Support;

namespace Engine.Tests.Peers;

/// <summary>
/// The BEP 52 handshake of a running engine, met by scripted peers over loopback: a hybrid answers on the hash the
/// peer used, or upgrades a v2 peer on its v1 hash to the v2 hash (as libtorrent 2.0.8 does), and says it speaks
/// v2; a v1-only torrent never sets the v2 bit (libtorrent would drop us).
/// </summary>
public sealed class V2HandshakeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("v2-handshake-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private async Task<(EngineNode Node, TorrentMetainfo Torrent)> Seed(string name, bool hybrid)
    {
        var dir = Path.Combine(_root, name);
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "data.bin");
        var data = new byte[200_000];
        new Random(name.Length).NextBytes(data);
        File.WriteAllBytes(file, data);
        var torrent = TorrentMetainfo.Parse(TorrentCreator.Create(file, new TorrentCreationOptions { Hybrid = hybrid, PieceLength = 32 * 1024 }));
        var node = await EngineNode.StartAsync(name, torrent, dir, _root);
        await node.WaitForAsync(TorrentState.Seeding, TimeSpan.FromSeconds(10));
        return (node, torrent);
    }

    private static async Task<Handshake> Answer(EngineNode node, InfoHash hash, bool v2Bit)
    {
        await using var peer = await ScriptedPeer.ConnectAsync(node.EndPoint);
        await peer.SendRawAsync(new Handshake(hash, peer.Id, Handshake.ExtensionBit | Handshake.FastBit | (v2Bit ? Handshake.V2Bit : 0)).ToArray());
        return await peer.ReceiveHandshakeAsync();
    }

    [Fact]
    public async Task A_hybrid_answers_on_the_hash_used_upgrades_a_v2_peer_and_sets_the_v2_bit()
    {
        var (node, torrent) = await Seed("hybrid", hybrid: true);
        await using var _ = node;
        var v1 = torrent.InfoHash;
        var v2 = InfoHash.FromBytes(torrent.InfoHashV2.Span[..20]);
        var legacy = await Answer(node, v1, v2Bit: false);
        Assert.Equal(v1, legacy.InfoHash);
        Assert.True(legacy.SupportsV2);
        Assert.Equal(v2, (await Answer(node, v1, v2Bit: true)).InfoHash);     // the upgrade
        Assert.Equal(v2, (await Answer(node, v2, v2Bit: false)).InfoHash);    // a v2 peer of the v2 swarm
    }

    [Fact]
    public async Task A_v1_torrent_never_sets_the_v2_bit_and_ignores_a_peers()
    {
        var (node, torrent) = await Seed("v1", hybrid: false);
        await using var _ = node;
        var answer = await Answer(node, torrent.InfoHash, v2Bit: true);
        Assert.Equal(torrent.InfoHash, answer.InfoHash);
        Assert.False(answer.SupportsV2);
    }
}
