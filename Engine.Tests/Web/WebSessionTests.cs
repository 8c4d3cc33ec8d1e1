using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Engine.Core.Primitives;
using Engine.Host.Web.Rest;
using Engine.Host.Web.Ui;
using Engine.Host.Web;
using Engine.Tests.Interop;
using Microsoft.Extensions.DependencyInjection;

namespace Engine.Tests.Web;

public sealed class WebSessionTests
{
    private const string HashA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string HashB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    [Fact]
    public void Entries_round_trip_with_their_torrent_file_and_paused_flag()
    {
        using var dir = new TempDir("session");
        var session = new WebSession(dir.Sub("s"));
        session.Remember(new SessionEntry(HashA, null, "/data/a", false), [1, 2, 3]);
        session.Remember(new SessionEntry(HashB, "magnet:?xt=urn:btih:" + HashB, "/data/b", false), null);
        session.SetPaused(InfoHash.FromHex(HashA), true);
        var (entries, problems) = session.Load();
        Assert.Empty(problems);
        Assert.Equal(2, entries.Count);
        Assert.Equal(new SessionEntry(HashA, null, "/data/a", true), entries[0].Entry);
        Assert.Equal([1, 2, 3], entries[0].Torrent);
        Assert.Null(entries[1].Torrent);
        Assert.Empty(Directory.EnumerateFiles(session.Directory, "*.tmp"));
    }

    [Fact]
    public void A_forgotten_torrent_leaves_no_file_behind()
    {
        using var dir = new TempDir("session");
        var session = new WebSession(dir.Sub("s"));
        session.Remember(new SessionEntry(HashA, null, "/data/a", false), [1]);
        session.Forget(InfoHash.FromHex(HashA));
        Assert.Empty(Directory.EnumerateFileSystemEntries(session.Directory));
        Assert.Empty(session.Load().Entries);
    }

    [Fact]
    public void Damaged_entries_are_reported_by_path_and_the_others_still_load()
    {
        using var dir = new TempDir("session");
        var session = new WebSession(dir.Sub("s"));
        session.Remember(new SessionEntry(HashA, null, "/data/a", false), [1]);
        File.WriteAllText(Path.Combine(session.Directory, HashB + ".json"), "{ not json");
        File.WriteAllText(Path.Combine(session.Directory, "cccccccccccccccccccccccccccccccccccccccc.json"),
            JsonSerializer.Serialize(new { hash = HashA, saveDirectory = "/x" }));
        File.WriteAllText(Path.Combine(session.Directory, "dddddddddddddddddddddddddddddddddddddddd.json"),
            JsonSerializer.Serialize(new { hash = "dddddddddddddddddddddddddddddddddddddddd", saveDirectory = "/x" }));
        var (entries, problems) = session.Load();
        Assert.Equal(HashA, Assert.Single(entries).Entry.Hash);
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains(HashB + ".json"));
        Assert.Contains(problems, p => p.Contains($"names torrent '{HashA}'"));
        Assert.Contains(problems, p => p.Contains("dddd") && p.Contains(".torrent"));
    }

    [Fact]
    public void A_missing_directory_is_an_empty_session()
    {
        var (entries, problems) = new WebSession("/nonexistent/engine-web-session").Load();
        Assert.Empty(entries);
        Assert.Empty(problems);
    }

    [Fact]
    public async Task After_a_restart_the_torrents_come_back_paused_as_they_were_and_a_removed_one_stays_gone()
    {
        using var dir = new TempDir("web-restart");
        string hashA, hashB;
        await using (var first = await WebHarness.StartAsync(dir, session: true))
        {
            var (a, metaA) = first.CreateSeedable("first", 100_000, seed: 1);
            var (b, metaB) = first.CreateSeedable("second", 100_000, seed: 2);
            var (c, _) = first.CreateSeedable("third", 100_000, seed: 3);
            (hashA, hashB) = (metaA.InfoHash.ToHex(), metaB.InfoHash.ToHex());
            var pathOfB = Path.Combine(dir, "second.torrent");
            await File.WriteAllBytesAsync(pathOfB, b);
            (await first.Http.PostAsync("api/torrents", Upload(a))).EnsureSuccessStatusCode();
            (await first.Http.PostAsJsonAsync("api/torrents", new AddTorrentBody(null, pathOfB, null, null))).EnsureSuccessStatusCode();
            var third = await first.Http.PostAsync("api/torrents", Upload(c));
            third.EnsureSuccessStatusCode();
            var hashC = (await third.Content.ReadFromJsonAsync<TorrentStatusView>())!.Hash;
            (await first.Http.PostAsync($"api/torrents/{hashB}/pause", null)).EnsureSuccessStatusCode();
            (await first.Http.DeleteAsync($"api/torrents/{hashC}")).EnsureSuccessStatusCode();
            File.Delete(pathOfB); // the session keeps its own copy of the .torrent
        }
        await using var second = await WebHarness.StartAsync(dir, session: true);
        var (restored, problems) = await second.Server.Services.GetRequiredService<WebEngine>().RestoreAsync();
        Assert.Empty(problems);
        Assert.Equal(2, restored);
        var rows = await Until(second, rows => rows.Count == 2 && rows.Any(r => r.Hash == hashA && r.State == "Seeding") && rows.Any(r => r.Hash == hashB && r.State == "Paused"));
        Assert.Equal([hashA, hashB], rows.Select(r => r.Hash));
    }

    private static MultipartFormDataContent Upload(byte[] torrent)
    {
        var file = new ByteArrayContent(torrent);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/x-bittorrent");
        return new MultipartFormDataContent { { file, "torrent", "x.torrent" } };
    }

    private static async Task<List<TorrentRow>> Until(WebHarness web, Func<List<TorrentRow>, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var rows = (await web.Http.GetFromJsonAsync<List<TorrentRow>>("api/torrents"))!;
            if (condition(rows)) return rows;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("torrents after the restart: " + string.Join(", ", rows.Select(r => $"{r.Name} {r.State}")));
            await Task.Delay(50);
        }
    }
}
