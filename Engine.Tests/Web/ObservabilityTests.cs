using System.Net;
using System.Text.RegularExpressions;
using Engine.Events;
using Engine.Host.Observability;

namespace Engine.Tests.Web;

/// <summary>The web host's /metrics (OpenTelemetry in Prometheus' format) and /healthz over a real engine.</summary>
public sealed class ObservabilityTests
{
    [Fact(Timeout = 60_000)]
    public async Task Metrics_show_the_engine_and_each_torrent_and_health_follows_the_engine()
    {
        await using var web = await WebHarness.StartAsync();
        var (torrent, metainfo) = web.CreateSeedable("observed", 200_000);
        var handle = await web.Engine.AddAsync(torrent, web.Data);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await handle.GetStatusAsync()).State != TorrentState.Seeding && DateTime.UtcNow < deadline) await Task.Delay(50);

        // The sampler reads the torrents every 2 s; wait for a scrape that has them.
        string text = "";
        var hash = metainfo.InfoHash.ToHex();
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await web.Http.GetAsync("metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            text = await response.Content.ReadAsStringAsync();
            if (text.Contains($"infohash=\"{hash}\"", StringComparison.Ordinal)) break;
            await Task.Delay(250);
        }
        Assert.Matches($@"torrent_pieces_verified[^\n]*infohash=""{hash}""[^\n]*\}} {metainfo.PieceCount}(\.0)?\b", text);
        Assert.Matches($@"torrent_pieces_total[^\n]*torrent=""observed""[^\n]*\}} {metainfo.PieceCount}(\.0)?\b", text);
        Assert.Matches(@"torrents_by_state[^\n]*state=""Seeding""[^\n]*\} [1-9]\d*\b", text); // other hosts of this test process may count too
        Assert.Matches(@"engine_torrents[^\n]*\} 1\b", text);
        Assert.Contains("engine_disk_blocks_in_flight", text);
        Assert.Contains("engine_peers_connections", text);
        Assert.Contains("torrent_download_rate", text);

        using (var health = await web.Http.GetAsync(WebObservability.HealthPath.TrimStart('/')))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        }
        await web.Engine.StopAsync();
        using var down = await web.Http.GetAsync(WebObservability.HealthPath.TrimStart('/'));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("Unhealthy", await down.Content.ReadAsStringAsync());
    }
}
