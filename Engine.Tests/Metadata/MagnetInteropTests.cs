using System.Diagnostics;
using Engine.Api;
using Engine.Events;
using Engine.Tests.Api;
using Engine.Tests.Interop;
using Engine.Tests.Support;
using Xunit.Abstractions;
using ApiState = Engine.Events.TorrentState;

namespace Engine.Tests.Metadata;

/// <summary>A magnet link pointing at a python3-libtorrent seeder: we fetch the metadata (BEP 9) from it, then the data.</summary>
[Trait("Category", "Interop")]
public sealed class MagnetInteropTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("engine-magnet-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_state, recursive: true); } catch (IOException) { }
    }

    /// <summary>Over TCP, over TCP with RC4 both sides require (MSE), and over uTP (libtorrent on uTP alone).</summary>
    [Theory(Timeout = 120_000)]
    [InlineData("tcp")]
    [InlineData("rc4")]
    [InlineData("utp")]
    public async Task A_magnet_link_downloads_from_a_libtorrent_seeder_that_serves_the_metadata(string path)
    {
        using var data = GeneratedTorrent.Create("magnet", [("a.bin", 3_000_000), ("sub/b.bin", 1_234_567), ("sub/c.txt", 17)], 64 * 1024, seed: 42);
        var torrent = new TestTorrent(data.TorrentPath, data.Metainfo.InfoHash.ToHex(), data.Metainfo.Name, data.Metainfo.PieceLength, data.Metainfo.TotalLength);
        await using var seeder = await LibtorrentPeer.StartSeederAsync(torrent, data.SeedDirectory, new LibtorrentOptions
        {
            NoTracker = true,
            Encryption = path == "rc4" ? "forced" : "disabled",
            Transport = path == "utp" ? "utp" : "tcp",
        });
        await seeder.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));

        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(Path.Combine(_state, "state")) with
        {
            Encryption = path == "rc4" ? EncryptionMode.Required : EncryptionMode.Enabled,
            Utp = path == "utp" ? UtpMode.Only : UtpMode.Enabled,
        });
        var clock = Stopwatch.StartNew();
        var magnet = $"magnet:?xt=urn:btih:{torrent.InfoHashHex}&dn=shown+name&x.pe=127.0.0.1:{seeder.Port}";
        var target = data.NewDirectory("leech");
        var handle = await engine.AddAsync(magnet, target);
        Assert.Equal("shown name", handle.Name);
        await using var events = handle.Events().GetAsyncEnumerator();

        var (received, _) = await events.NextAsync<MetadataReceived>(TimeSpan.FromSeconds(30));
        output.WriteLine($"metadata after {clock.ElapsedMilliseconds} ms");
        Assert.Equal("magnet", received.Name);
        Assert.Equal("magnet", handle.Name);
        Assert.Equal(data.Metainfo.InfoHash, handle.Metainfo!.InfoHash);
        await events.NextAsync<Completed>(TimeSpan.FromSeconds(60));
        output.WriteLine($"complete after {clock.ElapsedMilliseconds} ms");
        var s = await handle.WaitForStateAsync(ApiState.Seeding);
        Assert.Equal(3, s.Files.Count);
        data.AssertSameData(target);
        // The metadata is kept: the magnet added again (after a remove without deleting data) needs no peer for it.
        Assert.True(File.Exists(Path.Combine(_state, "state", torrent.InfoHashHex + ".torrent")));
        // One connection served the metadata and then the data: libtorrent saw us connect once.
        var connects = seeder.Process.LogLines().Count(l => l.Contains("\"incoming_connection_alert\"", StringComparison.Ordinal));
        Assert.True(connects == 1, $"libtorrent saw {connects} connections from us:\n{seeder.Describe()}");
    }

    [Fact(Timeout = 120_000)]
    public async Task A_libtorrent_leecher_with_only_a_magnet_link_gets_the_metadata_and_the_data_from_us()
    {
        using var data = GeneratedTorrent.Create("fromus", [("a.bin", 2_000_000), ("sub/b.bin", 777_777)], 64 * 1024, seed: 43);
        await using var engine = ApiTestEngines.Create(Path.Combine(_state, "state"));
        var seed = await engine.AddAsync(data.Bytes, data.SeedDirectory);
        await seed.WaitForStateAsync(ApiState.Seeding);

        var target = data.NewDirectory("libtorrent");
        var script = Path.Combine(RepoPaths.Root, "Engine.Tests", "Metadata", "magnet_leech.py");
        var magnet = $"magnet:?xt=urn:btih:{data.Metainfo.InfoHash.ToHex()}";
        var clock = Stopwatch.StartNew();
        await using var leecher = ExternalProcess.Start(new ProcessSpec(RequiredPrograms.Python,
            ["-u", script, magnet, target, PortAllocator.Next().ToString(), $"127.0.0.1:{engine.ListenEndPoint!.Port}"])
        {
            Name = "libtorrent magnet leecher",
            MaxLifetime = TimeSpan.FromMinutes(2),
            Environment = new Dictionary<string, string?> { ["PYTHONHOME"] = null, ["PYTHONPATH"] = null },
        });
        var code = await leecher.WaitForExitAsync(TimeSpan.FromSeconds(75));
        output.WriteLine($"libtorrent finished in {clock.ElapsedMilliseconds} ms (exit {code})");
        Assert.True(code == 0, $"libtorrent did not complete:\n{leecher.Describe()}");
        Assert.Contains(leecher.LogLines(), l => l.Contains("\"event\": \"metadata\", \"name\": \"fromus\""));
        data.AssertSameData(target);
    }
}
