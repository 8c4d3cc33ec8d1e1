using Engine.Api;
using Engine.Core.Wire;
using Engine.Tests.Api;
using Engine.Tests.Support;

namespace Engine.Tests.Peers;

/// <summary>
/// A seed whose first answer is its bitfield before its handshake (BiglyBT 3.2 now and then, dialled again at once) is
/// dialled again after the backoff, not banned for an hour.
/// </summary>
public sealed class GarbledHandshakeTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("engine-garbled-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_state, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_seed_that_garbles_its_first_handshake_is_dialled_again()
    {
        using var data = GeneratedTorrent.Create("garbled", [("a.bin", 100_000)], 32 * 1024);
        await using var seed = ScriptedPeer.Listen();
        // Plain only: under the default the redial after a failed plain handshake is encrypted first, which this scripted
        // peer does not speak (MseInteropTests has that redial against rtorrent).
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(Path.Combine(_state, "s")) with { Encryption = EncryptionMode.Disabled });
        var handle = await engine.AddAsync(data.Bytes, Path.Combine(_state, "down"));
        handle.AddPeers([seed.EndPoint]);

        await seed.AcceptAsync(TimeSpan.FromSeconds(10));
        await seed.ReceiveHandshakeAsync();
        await seed.SendAsync(new BitfieldMessage([0xFF, 0xC0]));
        await seed.SendHandshakeAsync(data.Metainfo.InfoHash);
        Assert.True(await seed.WaitClosedAsync(TimeSpan.FromSeconds(5)));

        // The tests' engines back off 1 s after a failed dial (then uTP first: nothing answers on UDP, so TCP again).
        await seed.AcceptAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(data.Metainfo.InfoHash, (await seed.ReceiveHandshakeAsync()).InfoHash);
    }
}
