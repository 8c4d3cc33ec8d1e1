using System.Net;
using Engine.Api;
using Engine.Events;
using Engine.Tests.Api;
using Engine.Tests.Interop;
using Xunit.Abstractions;

namespace Engine.Tests.Transports;

/// <summary>
/// Message stream encryption against python3-libtorrent with encryption forced (in and out, RC4 only): it downloads
/// from us and we from it, byte-exact — with our encryption required, and with our default (plain dialled, encrypted
/// accepted) for the connection it opens.
/// </summary>
[Trait("Category", "Interop")]
public sealed class MseInteropTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly TempDir _dir = new("mse");

    public void Dispose() => _dir.Dispose();

    private TestTorrent Torrent(string name)
    {
        var data = TestData.CreateTree(_dir.Sub("seed"), name, 3 * 1024 * 1024 + 101, seed: name.Length, fileCount: 3);
        return TorrentFactory.Create(data.Root, "http://127.0.0.1:9/announce", 64 * 1024, Path.Combine(_dir.FullPath, name + ".torrent"));
    }

    [Fact]
    public async Task We_download_from_a_libtorrent_seeder_that_speaks_only_rc4()
    {
        var torrent = Torrent("forced-seed");
        await using var libtorrent = await LibtorrentPeer.StartSeederAsync(torrent, _dir.Sub("seed"), new LibtorrentOptions { NoTracker = true, Encryption = "forced" });
        await libtorrent.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")) with { Encryption = EncryptionMode.Required });
        var handle = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("down"));
        handle.AddPeers([new IPEndPoint(IPAddress.Loopback, libtorrent.Port)]);
        await handle.WaitForStateAsync(TorrentState.Seeding, Bound);
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), "forced-seed"), Path.Combine(_dir.Sub("down"), "forced-seed"));
    }

    [Theory]
    [InlineData(EncryptionMode.Required)]
    [InlineData(EncryptionMode.Enabled)]
    public async Task A_libtorrent_leecher_that_speaks_only_rc4_downloads_from_us(EncryptionMode ours)
    {
        var torrent = Torrent("forced-leech-" + ours);
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")) with { Encryption = ours });
        var seeding = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("seed"));
        await seeding.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(30));
        await using var libtorrent = await LibtorrentPeer.StartLeecherAsync(torrent, _dir.Sub("down"),
            new LibtorrentOptions { NoTracker = true, Encryption = "forced", ConnectTo = [engine.ListenEndPoint!.Port] });
        await libtorrent.WaitForCompletionAsync(Bound);
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), torrent.Name), Path.Combine(_dir.Sub("down"), torrent.Name));
        output.WriteLine($"libtorrent (rc4 only) downloaded from our engine ({ours})");
    }
}
