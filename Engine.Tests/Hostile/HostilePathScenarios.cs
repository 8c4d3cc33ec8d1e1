using Engine.Events;
using Engine.Tests.Scenarios.Kit;
using Xunit.Abstractions;
using ApiState = Engine.Events.TorrentState;

namespace Engine.Tests.Hostile;

/// <summary>A download directory that already holds a symbolic link: the torrent stops with a clear error, nothing outside is touched.</summary>
public sealed class HostilePathScenarios(ITestOutputHelper output) : Scenario(output)
{
    [Fact]
    public async Task A_link_planted_in_the_download_directory_fails_the_torrent_clearly_and_the_file_it_points_to_is_untouched()
    {
        var content = Content("planted", 256 * 1024);
        var seeder = StartEngine("seeder");
        await SeedAsync(seeder, content);
        var me = StartEngine("me");
        var dir = content.NewDirectory("planted-target");
        var outside = Path.Combine(content.Root, "outside.txt");
        File.WriteAllText(outside, "precious");
        var planted = Path.Combine(dir, content.Metainfo.Files[0].Path);
        Directory.CreateDirectory(Path.GetDirectoryName(planted)!);
        File.CreateSymbolicLink(planted, outside);

        var download = await me.AddAsync(content.Bytes, dir);
        var events = EventsOf(download);
        download.AddPeers([seeder.ListenEndPoint!]);
        var status = await WaitForStateAsync(download, ApiState.Error, TimeSpan.FromSeconds(20));
        Output.WriteLine(status.Error);
        Assert.Contains("symbolic link", status.Error);
        Assert.Equal("precious", File.ReadAllText(outside));
        events.AssertNone<Completed>();
    }
}
