using Engine.Api;
using Engine.Events;
using Engine.Tests.Support;

namespace Engine.Tests.Api;

/// <summary>
/// A read stream that opens on a file asks for the file's first and last pieces before anything else, before it reads a
/// byte (a player reads the container's index, often at the end, first): from a rate-limited seeder, both come among
/// the first pieces verified, where rarest-first would leave the tail anywhere in the download.
/// </summary>
public sealed class ReadStreamEdgesTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("stream-edges-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_state, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Opening_a_stream_fetches_the_files_first_and_last_pieces_first()
    {
        // 16 KiB pieces: a.bin 0-15, b.bin 16-111 (1.5 MiB), c.bin 112-127; the seeder sends about 4 pieces a second.
        using var data = GeneratedTorrent.Create("edges", [("a.bin", 256 * 1024), ("b.bin", 1536 * 1024), ("c.bin", 256 * 1024)], 16 * 1024);
        var t = data.Metainfo;
        await using var seeder = TorrentEngine.Create(ApiTestEngines.Options(Path.Combine(_state, "seeder")) with { UploadLimit = 64 * 1024 });
        var seeding = await seeder.AddAsync(data.TorrentPath, data.SeedDirectory);
        await seeding.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(30));
        await using var leecher = TorrentEngine.Create(ApiTestEngines.Options(Path.Combine(_state, "leecher")));
        var handle = await leecher.AddAsync(data.TorrentPath, data.NewDirectory("down"));
        await using var stream = handle.OpenReadStream(1);   // opened, not read
        handle.AddPeers([seeder.ListenEndPoint!]);

        var (first, last) = (16, 111);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        PieceMap map;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, "the file's ends were not verified within 60 s");
            await Task.Delay(50);
            map = await handle.GetPieceMapAsync();
        } while (!(map.IsVerified(first) && map.IsVerified(last)));
        // Pieces in flight when the stream opened may come first; rarest-first would reach piece 111 at about half way.
        Assert.True(map.VerifiedCount <= 12, $"the file's ends came only with {map.VerifiedCount} of {t.PieceCount} pieces verified");

        var tail = new byte[100];
        stream.Seek(-100, SeekOrigin.End);
        await stream.ReadExactlyAsync(tail);
        Assert.Equal(File.ReadAllBytes(Path.Combine(data.SeedDirectory, t.Files[1].Path))[^100..], tail);
    }
}
