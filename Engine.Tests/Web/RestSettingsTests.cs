using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Engine.Events;

namespace Engine.Tests.Web;

/// <summary>The REST API's engine settings and per-torrent limits over a real engine.</summary>
public sealed class RestSettingsTests
{
    [Fact(Timeout = 60_000)]
    public async Task Settings_and_a_torrents_limits_are_read_and_changed_through_the_api()
    {
        await using var web = await WebHarness.StartAsync();
        var settings = JsonDocument.Parse(await web.Http.GetStringAsync("api/settings")).RootElement;
        Assert.Equal(JsonValueKind.Null, settings.GetProperty("uploadLimit").ValueKind);
        Assert.Equal(web.Data, settings.GetProperty("defaultSaveDirectory").GetString());
        // The harness starts its engine without the DHT and LSD, with PEX, on loopback (no port mapping there): the switches say so.
        var switches = settings.GetProperty("switches").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("on").GetBoolean());
        Assert.Equal(new Dictionary<string, bool> { ["dht"] = false, ["pex"] = true, ["lsd"] = false, ["encryption"] = true, ["portMapping"] = false }, switches);

        var put = await web.Http.PutAsJsonAsync("api/settings", new { uploadLimit = 1_048_576, downloadLimit = (long?)null, defaultSaveDirectory = "incoming" });
        put.EnsureSuccessStatusCode();
        Assert.Equal(((long?)1_048_576, (long?)null), web.Engine.Limits);
        Assert.Equal(Path.Combine(web.Data, "incoming"), JsonDocument.Parse(await put.Content.ReadAsStringAsync()).RootElement.GetProperty("defaultSaveDirectory").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await web.Http.PutAsJsonAsync("api/settings", new { uploadLimit = -5 })).StatusCode);

        var (torrent, metainfo) = web.CreateSeedable("limited", 100_000);
        var handle = await web.Engine.AddAsync(torrent, web.Data);
        var hash = metainfo.InfoHash.ToHex();
        var limits = await web.Http.PutAsJsonAsync($"api/torrents/{hash}/limits", new { uploadLimit = 65_536, downloadLimit = 131_072 });
        limits.EnsureSuccessStatusCode();
        Assert.Equal((65_536L, 131_072L), (handle.Options.UploadLimit!.Value, handle.Options.DownloadLimit!.Value));
        Assert.Equal(HttpStatusCode.NotFound, (await web.Http.PutAsJsonAsync($"api/torrents/{new string('0', 40)}/limits", new { uploadLimit = 1 })).StatusCode);
        Assert.NotEqual(TorrentState.Error, (await handle.GetStatusAsync()).State);
    }
}
