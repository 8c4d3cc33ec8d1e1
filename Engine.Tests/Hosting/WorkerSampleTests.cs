using System.Diagnostics;
using Engine.Tests.Interop;
using Engine.Tests.Support;
using Xunit.Abstractions;

namespace Engine.Tests.Hosting;

/// <summary>
/// docs/samples/WorkerSample, built and run as users would (dotnet build, then the app with command-line and
/// environment settings): it downloads a magnet link from a python3-libtorrent seeder and exits once complete.
/// </summary>
[Trait("Category", "Interop")]
public sealed class WorkerSampleTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _tmp = new("worker-sample");

    public void Dispose() => _tmp.Dispose();

    [Fact(Timeout = 300_000)]
    public async Task The_worker_sample_downloads_a_magnet_link_on_start_and_exits_when_done()
    {
        var project = Path.Combine(RepoPaths.Root, "docs", "samples", "WorkerSample", "WorkerSample.csproj");
        Assert.True(File.Exists(project), $"{project} is missing");
        var outDir = Path.Combine(_tmp, "out");
        var clock = Stopwatch.StartNew();
        await using (var build = ExternalProcess.Start(new ProcessSpec("dotnet", ["build", project, "-c", "Release", "-o", outDir, "-nologo", "-v", "q"])
                     { Name = "dotnet build", MaxLifetime = TimeSpan.FromMinutes(4) }))
        {
            var code = await build.WaitForExitAsync(TimeSpan.FromMinutes(4));
            Assert.True(code == 0, $"the sample did not build (exit {code}):\n{build.Describe()}");
        }
        output.WriteLine($"built in {clock.Elapsed.TotalSeconds:F1} s");

        using var data = GeneratedTorrent.Create("sample", [("movie.bin", 2_500_000), ("extras/notes.txt", 1234)], 64 * 1024, seed: 11);
        var torrent = new TestTorrent(data.TorrentPath, data.Metainfo.InfoHash.ToHex(), data.Metainfo.Name, data.Metainfo.PieceLength, data.Metainfo.TotalLength);
        await using var seeder = await LibtorrentPeer.StartSeederAsync(torrent, data.SeedDirectory, new LibtorrentOptions { NoTracker = true });
        await seeder.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));

        var target = Path.Combine(_tmp, "downloads");
        var magnet = $"magnet:?xt=urn:btih:{torrent.InfoHashHex}&dn=sample&x.pe=127.0.0.1:{seeder.Port}";
        clock.Restart();
        await using var app = ExternalProcess.Start(new ProcessSpec("dotnet", [Path.Combine(outDir, "WorkerSample.dll"), $"--Download:Source={magnet}", $"--Download:SaveDirectory={target}"])
        {
            Name = "WorkerSample",
            WorkingDirectory = outDir,
            MaxLifetime = TimeSpan.FromMinutes(2),
            Environment = new Dictionary<string, string?>
            {
                ["TorrentEngine__StateDirectory"] = Path.Combine(_tmp, "state"),
                ["TorrentEngine__ListenOn"] = "127.0.0.1:0",
                ["DOTNET_ENVIRONMENT"] = "Production",
            },
        });
        var exit = await app.WaitForExitAsync(TimeSpan.FromSeconds(90));
        output.WriteLine($"ran {clock.Elapsed.TotalSeconds:F1} s:\n{app.LogTail}");
        Assert.True(exit == 0, $"the sample exited with {exit}:\n{app.Describe()}");
        Assert.Contains(app.LogLines(), l => l.Contains("metadata received: sample"));
        Assert.Contains(app.LogLines(), l => l.Contains("download complete: sample"));
        data.AssertSameData(target);
    }
}
