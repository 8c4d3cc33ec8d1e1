using System.Diagnostics;
using Engine.Tests.Host;
using Engine.Tests.Interop;
using Xunit.Abstractions;

namespace Engine.Tests.Lab;

/// <summary>
/// A user's name server stops answering while they download a torrent whose trackers and web seeds (a distribution's
/// mirrors) are all named, and whose peer they know by address. Each name then blocks <c>getaddrinfo</c> for 30 s;
/// run on the thread pool, such lookups held every pool thread (the engine's sockets and actors with them) until they
/// timed out. The download must not wait for them.
/// </summary>
[Trait("Category", "Interop")]
public sealed class DeafResolverLabTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new("deaf-resolver");
    private readonly NetLab _lab = NetLab.Create();

    public void Dispose()
    {
        _lab.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_torrent_with_thirty_names_a_dead_name_server_never_answers_still_downloads_from_its_peer_in_seconds()
    {
        var seederHost = _lab.AddHost("seeder");
        var leecherHost = _lab.AddHost("leecher");
        _lab.DeafResolver(leecherHost);
        var data = TestData.CreateTree(_dir.Sub("seed"), "evening-news", 6 * 1024 * 1024 + 5, 7, fileCount: 3);
        var trackers = Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? $"http://tracker{i}.deaf.example:6969/announce" : $"udp://tracker{i}.deaf.example:6969").ToList();
        var mirrors = Enumerable.Range(0, 20).Select(i => $"http://mirror{i}.deaf.example/pub/").ToList();
        var torrent = TorrentFactory.Create(data.Root, trackers, 64 * 1024, Path.Combine(_dir.FullPath, "evening-news.torrent"), mirrors);
        await using var seeder = HostProcess.InNamespace(output, seederHost.Namespace,
            "seed", torrent.TorrentPath, "--data", _dir.Sub("seed"), "--bind", seederHost.Address.ToString(), "--port", "6881", "--no-dht", "--no-lsd");
        await seeder.WaitForLineAsync("seeding on ", TimeSpan.FromSeconds(60));

        var clock = Stopwatch.StartNew();
        await using var download = HostProcess.InNamespace(output, leecherHost.Namespace,
            "download", torrent.TorrentPath, "-o", _dir.Sub("down"), "--peer", $"{seederHost.Address}:6881",
            "--bind", leecherHost.Address.ToString(), "--port", "6881", "--no-dht", "--no-lsd", "--status-interval", "1s");

        // Each name's lookup takes 30 s; the download must not wait for them.
        await download.WaitForLineAsync("completed: ", TimeSpan.FromSeconds(20));
        output.WriteLine($"completed {clock.Elapsed.TotalSeconds:F1} s after start");
        DirectoryComparer.AssertIdentical(data.Root, Path.Combine(_dir.Sub("down"), "evening-news"));
        Assert.Equal(0, await download.ExitCodeAsync(TimeSpan.FromSeconds(20)));
        output.WriteLine($"exited {clock.Elapsed.TotalSeconds:F1} s after start");
    }
}
