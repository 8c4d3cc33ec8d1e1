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

/// <summary>The web UI's torrents after a restart, through the engine's session (TorrentEngineOptions.Session).</summary>
public sealed class WebSessionTests
{
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
        Assert.Empty(second.Engine.SessionProblems);
        Assert.Equal(2, second.Engine.Torrents.Count); // the engine's session brought them back as it started
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
