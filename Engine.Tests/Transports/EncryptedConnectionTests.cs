using System.Net;
using Engine.Api;
using Engine.Events;
using Engine.Tests.Api;
using Engine.Tests.Interop;

namespace Engine.Tests.Transports;

/// <summary>Two of our engines with message stream encryption: what each setting lets through.</summary>
public sealed class EncryptedConnectionTests : IDisposable
{
    private readonly TempDir _dir = new("mse-engines");

    public void Dispose() => _dir.Dispose();

    private async Task<(TorrentEngine Seed, TorrentEngine Leech, TorrentHandle Leeching)> Pair(EncryptionMode seed, EncryptionMode leech, string name, long? uploadLimit = null)
    {
        var torrent = TorrentFactory.CreateSeeded(_dir, name, 1024 * 1024 + 7, fileCount: 2, pieceLength: 32 * 1024);
        var seeder = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("s-" + name)) with { Encryption = seed, UploadLimit = uploadLimit });
        var seeding = await seeder.AddAsync(torrent.TorrentPath, _dir.Sub("seed"));
        await seeding.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(30));
        var leecher = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("l-" + name)) with { Encryption = leech });
        var leeching = await leecher.AddAsync(torrent.TorrentPath, _dir.Sub("down-" + name));
        leeching.AddPeers([new IPEndPoint(IPAddress.Loopback, seeder.ListenEndPoint!.Port)]);
        return (seeder, leecher, leeching);
    }

    [Theory]
    [InlineData(EncryptionMode.Required, EncryptionMode.Required, true)]  // RC4 both ways
    [InlineData(EncryptionMode.Enabled, EncryptionMode.Preferred, true)]  // dialled encrypted, answered with RC4
    [InlineData(EncryptionMode.Disabled, EncryptionMode.Preferred, false)] // the seeder refuses MSE: the leecher dials again plain
    [InlineData(EncryptionMode.Required, EncryptionMode.Preferred, true)]
    [InlineData(EncryptionMode.Enabled, EncryptionMode.Enabled, false)]   // the default: plain dialled, plain answered
    [InlineData(EncryptionMode.Required, EncryptionMode.Enabled, true)]   // the plain dial is closed before the handshake: the next is encrypted first
    public async Task A_download_completes_when_the_settings_have_a_way_in_common(EncryptionMode seed, EncryptionMode leech, bool encrypted)
    {
        // The seeder uploads at 256 KiB/s, so the connection is there to be looked at for a few seconds.
        var (seeder, leecher, leeching) = await Pair(seed, leech, $"ok-{seed}-{leech}", uploadLimit: 256 * 1024);
        await using (seeder)
        await using (leecher)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            IReadOnlyList<PeerSnapshot> peers = [];
            while (peers.Count == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
                peers = await leeching.GetPeersAsync();
            }
            Assert.Equal(encrypted, Assert.Single(peers).Encrypted);
            await leeching.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(60));
        }
    }

    [Theory]
    [InlineData(EncryptionMode.Required, EncryptionMode.Disabled)] // plain handshake refused by the seeder
    [InlineData(EncryptionMode.Disabled, EncryptionMode.Required)] // MSE refused, and Required does not fall back
    public async Task Nothing_passes_when_one_side_requires_what_the_other_will_not_speak(EncryptionMode seed, EncryptionMode leech)
    {
        var (seeder, leecher, leeching) = await Pair(seed, leech, $"no-{seed}-{leech}");
        await using (seeder)
        await using (leecher)
        {
            await Task.Delay(TimeSpan.FromSeconds(4)); // a few dials (redial interval 1 s)
            var status = await leeching.GetStatusAsync();
            Assert.Equal(0, status.VerifiedPieces);
            Assert.Equal(0, status.Peers);
        }
    }
}
