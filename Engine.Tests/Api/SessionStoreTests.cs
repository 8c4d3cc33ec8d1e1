using System.Text.Json;
using Engine.Api;
using Engine.Core.Primitives;
using Engine.Tests.Interop;

namespace Engine.Tests.Api;

/// <summary>The engine session's files (<c>TorrentEngineOptions.Session</c>): damaged entries, forgetting, an absent directory, old web-host entries.</summary>
public sealed class SessionStoreTests
{
    private const string HashA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string HashB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    private static void Entry(string dir, string hash, string? magnet = null, bool paused = false, byte[]? torrent = null)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, hash + ".json"), JsonSerializer.Serialize(new { hash, magnet, saveDirectory = "/data/" + hash[..1], paused },
            new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        if (torrent is not null) File.WriteAllBytes(Path.Combine(dir, hash + ".torrent"), torrent);
    }

    [Fact]
    public void Damaged_entries_are_reported_by_path_and_the_others_still_load()
    {
        using var dir = new TempDir("session");
        var store = new SessionStore(dir.Sub("s"));
        Entry(store.Directory, HashA, torrent: [1]);
        File.WriteAllText(Path.Combine(store.Directory, HashB + ".json"), "{ not json");
        File.WriteAllText(Path.Combine(store.Directory, "cccccccccccccccccccccccccccccccccccccccc.json"), JsonSerializer.Serialize(new { hash = HashA, saveDirectory = "/x" }));
        Entry(store.Directory, "dddddddddddddddddddddddddddddddddddddddd"); // no .torrent beside it
        var entries = store.Load();
        Assert.Equal(HashA, Assert.Single(entries).Entry.Hash);
        Assert.Equal(3, store.Problems.Count);
        Assert.Contains(store.Problems, p => p.Contains(HashB + ".json"));
        Assert.Contains(store.Problems, p => p.Contains($"names torrent '{HashA}'"));
        Assert.Contains(store.Problems, p => p.Contains("dddd") && p.Contains(".torrent"));
    }

    [Fact]
    public void Entries_the_web_host_wrote_before_the_engine_kept_sessions_still_load()
    {
        using var dir = new TempDir("session");
        var store = new SessionStore(dir.Sub("s"));
        Entry(store.Directory, HashA, paused: true, torrent: [1, 2, 3]); // hash, magnet, saveDirectory, paused: the old web session's fields
        Entry(store.Directory, HashB, magnet: "magnet:?xt=urn:btih:" + HashB);
        var entries = store.Load();
        Assert.Empty(store.Problems);
        var a = entries.Single(e => e.Entry.Hash == HashA);
        Assert.True(a.Entry.Paused);
        Assert.Equal([1, 2, 3], a.Torrent);
        Assert.Null(entries.Single(e => e.Entry.Hash == HashB).Torrent);
    }

    [Fact]
    public void An_entry_written_by_reflection_reads_back_with_its_priorities_and_the_generated_writer_keeps_its_names()
    {
        using var dir = new TempDir("session");
        var store = new SessionStore(dir.Sub("s"));
        Directory.CreateDirectory(store.Directory);
        // What the reflection-based writer of earlier versions wrote: camelCase, priorities as numbers.
        var old = new SessionEntry(HashA, null, "/data/a", true, 1000, null, DateTimeOffset.UnixEpoch,
            [FilePriority.Skip, FilePriority.High, FilePriority.Normal], Sequential: true, WebSeeds: false);
        File.WriteAllText(Path.Combine(store.Directory, HashA + ".json"), JsonSerializer.Serialize(old, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        File.WriteAllBytes(Path.Combine(store.Directory, HashA + ".torrent"), [1]);

        var (entry, _) = Assert.Single(store.Load());
        Assert.Equal(old with { FilePriorities = null }, entry with { FilePriorities = null });
        Assert.Equal(old.FilePriorities, entry.FilePriorities);
        var written = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(entry, SessionJson.Default.SessionEntry)).RootElement;
        Assert.Equal(["hash", "magnet", "saveDirectory", "paused", "uploadLimit", "downloadLimit", "addedAt", "filePriorities", "sequential", "webSeeds"],
            written.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Number, written.GetProperty("filePriorities")[1].ValueKind);
    }

    [Fact]
    public void A_forgotten_torrent_leaves_no_file_behind_and_a_missing_directory_is_an_empty_session()
    {
        using var dir = new TempDir("session");
        var store = new SessionStore(dir.Sub("s"));
        Entry(store.Directory, HashA, torrent: [1]);
        store.Forget(InfoHash.FromHex(HashA));
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Directory));
        Assert.Empty(store.Load());
        var none = new SessionStore("/nonexistent/engine-session");
        Assert.Empty(none.Load());
        Assert.Empty(none.Problems);
    }

    [Fact]
    public async Task A_remembered_torrents_update_is_written_even_before_the_adds_own_entry_and_a_removed_ones_never()
    {
        using var dir = new TempDir("session");
        await using var engine = ApiTestEngines.Create(dir.Sub("engine"));
        var store = new SessionStore(dir.Sub("s"));
        var magnet = Engine.Core.Metainfo.MagnetLink.Parse("magnet:?xt=urn:btih:" + HashA);
        var handle = new TorrentHandle(engine, magnet.InfoHash, dir.Sub("data"), new TorrentOptions(), null, magnet) { Remembered = true };
        // The metadata's update can come before the add has written the entry (a local peer answers at once): it is
        // the first write then, where it used to be skipped and the add's later write kept the magnet form.
        store.Update(handle, paused: false);
        Assert.Equal("magnet:?xt=urn:btih:" + HashA, Assert.Single(store.Load()).Entry.Magnet);

        handle.Remembered = false; // removed: neither a late update nor a late add writes it back
        store.Forget(handle.InfoHash);
        store.Update(handle, paused: true);
        store.Remember(handle, paused: true);
        Assert.Empty(store.Load());
    }
}
