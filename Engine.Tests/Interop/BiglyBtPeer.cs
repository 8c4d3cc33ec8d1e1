using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Engine.Tests.Interop;

/// <summary>
/// BiglyBT 3.2 (the Azureus/Vuze line, Java): a wire implementation of its own — the fast extension, BEP 10 with
/// ut_metadata, ut_pex and ut_holepunch, message stream encryption; no uTP in Debian's build. It listens on every
/// interface and opens UDP sockets of its own, so it runs only in a network namespace the test makes, with DHT, UPnP
/// and its LAN peer finder off. Its settings are a bencoded <c>biglybt.config</c> written before it starts, in a
/// directory of its own under the save directory. It is driven through its console UI on stdin: <c>add -o</c>, then
/// <c>forcestart</c> for a seeder (a seed with no peers would stay queued), and <c>show torrents</c> once a second,
/// whose line <c> 1 [*] 100.0%</c> marks it seeding (a leecher: complete; it keeps seeding until stopped).
/// </summary>
public sealed partial class BiglyBtPeer : ExternalPeer
{
    private static readonly string[] Jars = ["biglybt-core", "biglybt-ui", "commons-cli", "swt4", "bcprov"];
    private readonly CancellationTokenSource _polling = new();

    private BiglyBtPeer(TestTorrent torrent, string saveDir, bool seed, int port)
        : base("biglybt", torrent, saveDir, port, seed)
    {
    }

    /// <summary>Starts a seeder of the data in <paramref name="saveDir"/>, listening on 127.0.0.1:<paramref name="port"/> in <paramref name="netNamespace"/>.</summary>
    public static BiglyBtPeer StartSeeder(TestTorrent torrent, string saveDir, string netNamespace, int port) =>
        Start(torrent, saveDir, netNamespace, seed: true, port);

    /// <summary>Starts a leecher into <paramref name="saveDir"/>; it finds peers through the torrent's tracker.</summary>
    public static BiglyBtPeer StartLeecher(TestTorrent torrent, string saveDir, string netNamespace, int port) =>
        Start(torrent, saveDir, netNamespace, seed: false, port);

    /// <summary>Waits until it has all the data and seeds, then stops it (SIGTERM: it closes its files) so that they can be compared.</summary>
    public override async Task WaitForCompletionAsync(TimeSpan timeout)
    {
        await base.WaitForCompletionAsync(timeout).ConfigureAwait(false);
        await StopAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
    }

    protected override void OnLine(string line)
    {
        if (line.StartsWith("Running BiglyBT", StringComparison.Ordinal)) MarkListening();
        else if (Status().Match(line) is { Success: true } status)
        {
            var percent = double.Parse(status.Groups[2].Value, CultureInfo.InvariantCulture);
            ReportProgress(percent / 100, line.Trim());
            if (status.Groups[1].Value == "*" && percent >= 100)
            {
                MarkSeeding();
                MarkCompleted();
            }
        }
    }

    protected override ValueTask DisposeExtrasAsync()
    {
        _polling.Cancel();
        _polling.Dispose();
        return ValueTask.CompletedTask;
    }

    [GeneratedRegex(@"^\s*1 \[(.)\] (\d+\.\d)%")]
    private static partial Regex Status();

    private static BiglyBtPeer Start(TestTorrent torrent, string saveDir, string netNamespace, bool seed, int port)
    {
        var java = RequiredPrograms.BiglyBtJava;
        Directory.CreateDirectory(saveDir);
        var config = Path.Combine(saveDir, ".biglybt");
        Directory.CreateDirectory(config);
        File.WriteAllBytes(Path.Combine(config, "biglybt.config"), Settings(port));
        var peer = new BiglyBtPeer(torrent, saveDir, seed, port);
        peer.Start(new ProcessSpec(java,
        [
            "-cp", string.Join(':', Jars.Select(jar => $"/usr/share/java/{jar}.jar")),
            $"-Dazureus.config.path={config}", "-Dazureus.instance.port=" + (port + 1).ToString(CultureInfo.InvariantCulture),
            "-Dazureus.install.path=/usr/share/biglybt", "com.biglybt.ui.Main", "--ui=console",
        ])
        {
            Name = peer.Name,
            WorkingDirectory = saveDir,
            NetNamespace = netNamespace,
            LogCapacity = 2000, // its first lines (the answer to "add") matter, and each status adds six
            Environment = new Dictionary<string, string?> { ["HOME"] = config },
        });
        _ = peer.DriveAsync(seed);
        return peer;
    }

    /// <summary>Adds the torrent once the console runs (a seeder: force-started), then asks for its status every second.</summary>
    private async Task DriveAsync(bool seed)
    {
        var token = _polling.Token;
        try
        {
            await WaitUntilListeningAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            Process.WriteLine($"add -o \"{SaveDir}\" \"{Torrent.TorrentPath}\"");
            Process.WriteLine("show torrents");
            if (seed) Process.WriteLine("forcestart 1");
            while (!token.IsCancellationRequested && !Process.HasExited)
            {
                await Task.Delay(1000, token).ConfigureAwait(false);
                Process.WriteLine("show torrents");
            }
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or TimeoutException)
        {
            // disposed, or it did not start: the waits report that with its log
        }
    }

    /// <summary>The settings file: peer port (TCP and UDP), no DHT, no UPnP, no LAN peer finder, no update checks.</summary>
    private static byte[] Settings(int port)
    {
        var settings = new SortedDictionary<string, int>(StringComparer.Ordinal)
        {
            ["TCP.Listen.Port"] = port,
            ["UDP.Listen.Port"] = port,
            ["UDP.NonData.Listen.Port"] = port,
            ["Plugin.DHT.dht.enabled"] = 0,
            ["Plugin.UPnP.upnp.enable"] = 0,
            ["Plugin.azlocaltracker.Plugin.localtracker.enable"] = 0,
            ["Auto Update"] = 0,
        };
        var text = new StringBuilder("d");
        foreach (var (key, value) in settings) text.Append(CultureInfo.InvariantCulture, $"{key.Length}:{key}i{value}e");
        return Encoding.ASCII.GetBytes(text.Append('e').ToString());
    }
}
