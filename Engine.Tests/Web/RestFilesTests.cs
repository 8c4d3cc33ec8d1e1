using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Engine.Api;
using Engine.Events;

namespace Engine.Tests.Web;

/// <summary>File priorities through the REST API over a real engine.</summary>
public sealed class RestFilesTests
{
    [Fact(Timeout = 60_000)]
    public async Task A_files_priority_is_listed_and_changed_through_the_api()
    {
        await using var web = await WebHarness.StartAsync();
        var (torrent, metainfo) = web.CreateSeedable("album", 200_000);
        var handle = await web.Engine.AddAsync(torrent, web.Data);
        var hash = metainfo.InfoHash.ToHex();

        var files = JsonDocument.Parse(await web.Http.GetStringAsync($"api/torrents/{hash}/files")).RootElement;
        Assert.Equal(["normal", "normal", "normal"], files.EnumerateArray().Select(f => f.GetProperty("priority").GetString()));
        Assert.Equal([0, 1, 2], files.EnumerateArray().Select(f => f.GetProperty("index").GetInt32()));

        var put = await web.Http.PutAsJsonAsync($"api/torrents/{hash}/files/1", new { priority = "skip" });
        put.EnsureSuccessStatusCode();
        Assert.Equal("skip", JsonDocument.Parse(await put.Content.ReadAsStringAsync()).RootElement.GetProperty("priority").GetString());
        Assert.Equal(FilePriority.Skip, handle.FilePriorities(3)[1]);
        (await web.Http.PutAsJsonAsync($"api/torrents/{hash}/files/2", new { priority = "HIGH" })).EnsureSuccessStatusCode();
        files = JsonDocument.Parse(await web.Http.GetStringAsync($"api/torrents/{hash}/files")).RootElement;
        Assert.Equal(["normal", "skip", "high"], files.EnumerateArray().Select(f => f.GetProperty("priority").GetString()));

        Assert.Equal(HttpStatusCode.BadRequest, (await web.Http.PutAsJsonAsync($"api/torrents/{hash}/files/1", new { priority = "urgent" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await web.Http.PutAsJsonAsync($"api/torrents/{hash}/files/1", new { priority = "7" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await web.Http.PutAsJsonAsync($"api/torrents/{hash}/files/9", new { priority = "low" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await web.Http.PutAsJsonAsync($"api/torrents/{hash}/files/x", new { priority = "low" })).StatusCode);
        Assert.NotEqual(TorrentState.Error, (await handle.GetStatusAsync()).State);
    }
}
