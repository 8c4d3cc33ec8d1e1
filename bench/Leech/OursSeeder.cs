using System.Globalization;
using Engine.Tests.Interop;

namespace Engine.Bench.Leech;

/// <summary>
/// Our engine as the seeder (<c>--seeder ours</c>): Engine.Host's <c>seed</c> command on 127.0.0.1, announcing to the
/// bench's tracker. It seeds a byte with a quarter to a fifth of the CPU libtorrent's seeder spends (docs/performance.md,
/// 2026-12-06 21:26), so on a pinned pair the leecher, not the seeder, bounds the transfer.
/// </summary>
public sealed class OursSeeder : ExternalPeer
{
    private OursSeeder(TestTorrent torrent, string seedDir, int port) : base("engine-host", torrent, seedDir, port, seeding: true) { }

    /// <summary>Starts the seeder; it is listening on return (<see cref="ExternalPeer.WaitUntilSeedingAsync"/> waits for its check).</summary>
    public static async Task<OursSeeder> StartAsync(string engineHostDll, TestTorrent torrent, string seedDir)
    {
        var seeder = new OursSeeder(torrent, seedDir, PortAllocator.Next());
        var (program, args) = HostCommand.For(engineHostDll);
        args.AddRange(
        [
            "seed", torrent.TorrentPath, "--data", seeder.SaveDir, "--bind", "127.0.0.1",
            "--port", seeder.Port.ToString(CultureInfo.InvariantCulture),
            "--no-dht", "--no-lsd", "--no-port-mapping", "--status-interval", "5s",
        ]);
        seeder.Start(new ProcessSpec(program, args) { Name = seeder.Name, WorkingDirectory = seeder.SaveDir });
        await seeder.ProbeListeningAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return seeder;
    }

    /// <summary>"checked NAME: 512/512 pieces (512.0 MiB) in 0.5 s; seeding on 127.0.0.1:PORT" once the data is checked.</summary>
    protected override void OnLine(string line)
    {
        if (line.Contains("; seeding on ", StringComparison.Ordinal)) MarkSeeding();
        else if (line.StartsWith("[err] ", StringComparison.Ordinal)) ReportProgress(Progress, line);
    }
}
