using System.Net;
using Engine.Api;
using Engine.Core.Metainfo;
using Engine.Events;
using Engine.Metainfo;
using Engine.Tests.Api;
using Xunit.Abstractions;

namespace Engine.Tests.Interop;

/// <summary>
/// A v2-only .torrent without its piece layers, leeched from a rate-limited python3-libtorrent seeder: the engine is
/// stopped once the layers were fetched and some pieces verified, and started again on the same state with no peer.
/// The layers come back from the resume record (none missing, though nobody could have sent them) and the verified
/// pieces are kept; then an unlimited seeder finishes the download byte-exact.
/// </summary>
[Trait("Category", "Interop")]
public sealed class V2RestartInteropTests(ITestOutputHelper output) : IDisposable
{
    private const int PieceLength = 16 * 1024;
    private readonly TempDir _dir = new("v2restart");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task After_a_restart_the_fetched_layers_and_the_verified_pieces_are_kept()
    {
        var root = Path.Combine(_dir.Sub("seed"), "restart");
        Directory.CreateDirectory(root);
        TestData.WriteFile(Path.Combine(root, "big.bin"), 2 * 1024 * 1024 + 777, 1);
        TestData.WriteFile(Path.Combine(root, "second.bin"), 300_001, 2);
        var torrent = TorrentFactory.CreateV2Only(root, Path.Combine(_dir.FullPath, "restart.torrent"), PieceLength);
        var stripped = Path.Combine(_dir.FullPath, "stripped.torrent");
        var bytes = File.ReadAllBytes(torrent.TorrentPath);
        var layers = bytes.AsSpan().IndexOf("12:piece layers"u8);
        Assert.True(layers > 0, "libtorrent wrote no piece layers");
        File.WriteAllBytes(stripped, [.. bytes[..layers], (byte)'e']);
        Assert.Equal(2, TorrentMetainfo.Load(stripped).MissingPieceLayers);

        int verifiedAtStop;
        await using (var slow = await LibtorrentPeer.StartSeederAsync(torrent, _dir.Sub("seed"), new LibtorrentOptions { NoTracker = true, UploadLimit = 400 * 1024 }))
        {
            await slow.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
            await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")));
            var handle = await engine.AddAsync(stripped, _dir.Sub("down"));
            handle.AddPeers([new IPEndPoint(IPAddress.Loopback, slow.Port)]);
            var snapshot = await ApiTestEngines.WaitForAsync(handle, s => s.VerifiedPieces >= 20, TimeSpan.FromSeconds(60), "20 verified pieces");
            Assert.Equal(0, handle.Metainfo!.MissingPieceLayers);
            Assert.True(snapshot.VerifiedPieces < snapshot.PieceCount, "the download finished before the stop: nothing left to resume");
            await handle.PauseAsync();   // no piece verified between the count and the stop
            verifiedAtStop = (await handle.GetStatusAsync()).VerifiedPieces;
        }
        output.WriteLine($"stopped with {verifiedAtStop} pieces verified, layers fetched");

        await using (var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state"))))
        {
            var handle = await engine.AddAsync(stripped, _dir.Sub("down"));
            var restarted = await ApiTestEngines.WaitForAsync(handle, s => s.Startup is not null, TimeSpan.FromSeconds(30), "the start-up check");
            Assert.Equal(StartupSource.ResumeRecord, restarted.Startup!.Source);
            Assert.Equal(verifiedAtStop, restarted.Startup.VerifiedPieces);
            Assert.Equal(0, handle.Metainfo!.MissingPieceLayers);   // no peer yet: only the resume record can have given them

            await using var fast = await LibtorrentPeer.StartSeederAsync(torrent, _dir.Sub("seed"), new LibtorrentOptions { NoTracker = true });
            await fast.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
            handle.AddPeers([new IPEndPoint(IPAddress.Loopback, fast.Port)]);
            await handle.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(90));
        }
        DirectoryComparer.AssertIdentical(root, Path.Combine(_dir.Sub("down"), "restart"));
    }
}
