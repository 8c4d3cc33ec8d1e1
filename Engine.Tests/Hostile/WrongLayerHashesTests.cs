using Engine.Api;
using Engine.Core.Merkle;
using Engine.Core.Metainfo;
using Engine.Core.Wire;
using Engine.Tests.Api;
using Engine.Tests.Interop;
using Engine.Tests.Support;

namespace Engine.Tests.Hostile;

/// <summary>
/// A peer answering our BEP 52 hash requests (a v2-only torrent added without its piece layers) with hashes that do
/// not lead to the file's pieces root: not believed, dropped as a protocol violation, and the torrent does not complete.
/// </summary>
public sealed class WrongLayerHashesTests : IDisposable
{
    private readonly TempDir _dir = new("wrong-layers");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_peer_whose_layer_hashes_fail_the_proof_is_dropped_and_nothing_is_verified_by_them()
    {
        var full = File.ReadAllBytes(Path.Combine(RepoPaths.Corpus, "v2_only.torrent"));
        var known = TorrentMetainfo.Parse(full);
        var layers = full.AsSpan().IndexOf("12:piece layers"u8);
        byte[] stripped = [.. full[..layers], (byte)'e'];                             // 'piece layers' is the last key
        await using var liar = ScriptedPeer.Listen();
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")));
        var handle = await engine.AddAsync(stripped, _dir.Sub("down"));
        handle.AddPeers([liar.EndPoint]);
        await liar.AcceptAsync();
        await liar.ReceiveHandshakeAsync();
        await liar.SendHandshakeAsync(known.InfoHash);
        await liar.SendAsync(HaveAll.Instance);

        var request = await liar.ReceiveAsync<HashRequest>(TimeSpan.FromSeconds(10));
        var answer = HashAnswer.Answer(known.Merkle!, request.Range);
        Assert.NotNull(answer);                                                      // what an honest seeder would send
        answer[3] ^= 0x01;
        await liar.SendAsync(new Hashes(request.Range, answer));

        Assert.True(await liar.WaitClosedAsync(TimeSpan.FromSeconds(5)), "the liar was not dropped");
        var status = await handle.GetStatusAsync();
        Assert.Equal(0, status.VerifiedPieces);
        Assert.Equal(1, TorrentMetainfo.Parse(stripped).MissingPieceLayers);
    }
}
