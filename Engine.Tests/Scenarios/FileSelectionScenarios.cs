using Engine.Api;
using Engine.Events;
using Engine.Tests.Scenarios.Kit;
using Xunit.Abstractions;
using ApiState = Engine.Events.TorrentState;

namespace Engine.Tests.Scenarios;

/// <summary>File priorities over real sockets: a skipped file is never created, its boundary bytes live in the parts file.</summary>
public sealed class FileSelectionScenarios(ITestOutputHelper output) : Scenario(output)
{
    [Fact]
    public async Task A_leecher_skipping_the_middle_file_completes_without_it_and_fetches_it_once_wanted()
    {
        // Three files whose boundaries fall inside pieces: the middle file shares its first piece with file 0 and its last with file 2.
        var album = Content("album", 1024 * 1024 + 333, pieceLength: 32 * 1024, files: 3);
        var seeder = StartEngine("seeder");
        await SeedAsync(seeder, album);
        var me = StartEngine("me");
        var (download, events) = await LeechAsync(me, album,
            new TorrentOptions { FilePriorities = [FilePriority.Normal, FilePriority.Skip, FilePriority.Normal] });
        download.AddPeers([seeder.ListenEndPoint!]);

        await events.WaitForAsync<Completed>(timeout: TimeSpan.FromSeconds(30));
        var status = await WaitForStateAsync(download, ApiState.Seeding);
        Assert.True(status.IsComplete);
        Assert.True(status.VerifiedPieces < status.PieceCount, "every piece was fetched though a file was skipped");
        Assert.Equal([FilePriority.Normal, FilePriority.Skip, FilePriority.Normal], status.Files.Select(f => f.Priority));

        var files = album.Metainfo.Files;
        var skipped = files[1];
        Assert.False(File.Exists(Path.Combine(download.SaveDirectory, skipped.Path)), "the skipped file was created");
        foreach (var wanted in new[] { files[0], files[2] })
            Assert.Equal(File.ReadAllBytes(Path.Combine(album.SeedDirectory, wanted.Path)), File.ReadAllBytes(Path.Combine(download.SaveDirectory, wanted.Path)));

        // The boundary pieces' bytes of the skipped file are in the parts file, at their torrent offsets.
        var parts = Path.Combine(download.SaveDirectory, "." + album.Metainfo.InfoHash.ToHex() + ".parts");
        Assert.True(File.Exists(parts), "no parts file");
        var original = File.ReadAllBytes(Path.Combine(album.SeedDirectory, skipped.Path));
        var partsBytes = File.ReadAllBytes(parts);
        var pieceLength = album.Metainfo.PieceLength;
        var head = (int)Math.Min(skipped.Length, pieceLength - skipped.Offset % pieceLength);
        Assert.Equal(original.AsSpan(0, head).ToArray(), partsBytes.AsSpan((int)skipped.Offset, head).ToArray());
        var tailStart = (int)((skipped.Offset + skipped.Length - 1) / pieceLength * pieceLength - skipped.Offset);
        Assert.Equal(original.AsSpan(tailStart).ToArray(), partsBytes.AsSpan((int)skipped.Offset + tailStart, original.Length - tailStart).ToArray());
        WriteLine($"parts file: {new FileInfo(parts).Length} bytes apparent; boundary bytes {head} + {original.Length - tailStart}");

        // Wanted at runtime: the torrent downloads again and the whole album is there.
        var before = events.OfType<Completed>().Count;
        await download.SetFilePriorityAsync(1, FilePriority.High);
        await events.WaitForAsync<Completed>(c => events.OfType<Completed>().Count > before, TimeSpan.FromSeconds(30));
        status = await WaitForStateAsync(download, ApiState.Seeding);
        Assert.Equal(status.PieceCount, status.VerifiedPieces);
        album.AssertSameData(download.SaveDirectory);
    }

    [Fact]
    public async Task A_seeder_that_skipped_a_file_serves_the_pieces_it_has_including_the_parts_files_bytes()
    {
        var album = Content("album", 512 * 1024 + 77, pieceLength: 32 * 1024, files: 3);
        var seeder = StartEngine("seeder");
        await SeedAsync(seeder, album);
        var middle = StartEngine("middle");
        var (partial, partialEvents) = await LeechAsync(middle, album, new TorrentOptions { FilePriorities = [FilePriority.Skip, FilePriority.Normal, FilePriority.Skip] });
        partial.AddPeers([seeder.ListenEndPoint!]);
        await partialEvents.WaitForAsync<Completed>(timeout: TimeSpan.FromSeconds(30));
        // "me" is told only of "middle": every byte it gets comes from a seeder with two files skipped.

        var me = StartEngine("me");
        var (download, events) = await LeechAsync(me, album, new TorrentOptions { FilePriorities = [FilePriority.Skip, FilePriority.Normal, FilePriority.Skip] });
        download.AddPeers([middle.ListenEndPoint!]);
        await events.WaitForAsync<Completed>(timeout: TimeSpan.FromSeconds(30));
        var file = album.Metainfo.Files[1];
        Assert.Equal(File.ReadAllBytes(Path.Combine(album.SeedDirectory, file.Path)), File.ReadAllBytes(Path.Combine(download.SaveDirectory, file.Path)));
        Assert.False(File.Exists(Path.Combine(download.SaveDirectory, album.Metainfo.Files[0].Path)));
        Assert.False(File.Exists(Path.Combine(download.SaveDirectory, album.Metainfo.Files[2].Path)));
    }

    [Fact]
    public async Task The_session_keeps_file_priorities_and_sequential_mode_and_a_seed_missing_only_skipped_files_is_still_complete_after_a_restart()
    {
        var album = Content("kept", 300 * 1024 + 5, pieceLength: 32 * 1024, files: 3);
        var seeder = StartEngine("seeder");
        await SeedAsync(seeder, album);
        var state = Path.Combine(Path.GetTempPath(), "engine-files-session-" + Guid.NewGuid().ToString("N"));
        try
        {
            TorrentEngineOptions WithSession(TorrentEngineOptions o) => o with { StateDirectory = state, Session = true };
            var first = StartEngine("first", WithSession);
            var (download, events) = await LeechAsync(first, album, new TorrentOptions { FilePriorities = [FilePriority.Normal, FilePriority.Normal, FilePriority.Low] });
            await download.SetFilePriorityAsync(1, FilePriority.Skip);
            await download.SetSequentialAsync(true);
            download.AddPeers([seeder.ListenEndPoint!]);
            await events.WaitForAsync<Completed>(timeout: TimeSpan.FromSeconds(30));
            await first.StopAsync();

            var second = StartEngine("second", WithSession);
            Assert.Empty(second.SessionProblems);
            var again = Assert.Single(second.Torrents);
            Assert.Equal([FilePriority.Normal, FilePriority.Skip, FilePriority.Low], again.FilePriorities(3));
            Assert.True(again.Options.Sequential, "sequential mode was lost in the restart");
            var status = await WaitForStateAsync(again, ApiState.Seeding);
            Assert.True(status.IsComplete);
            Assert.Equal(StartupSource.ResumeRecord, status.Startup!.Source);
            Assert.False(File.Exists(Path.Combine(again.SaveDirectory, album.Metainfo.Files[1].Path)));
        }
        finally
        {
            try { Directory.Delete(state, recursive: true); } catch (IOException) { }
        }
    }
}
