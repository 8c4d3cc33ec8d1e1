using System.Globalization;

namespace Engine.Tests.Interop;

/// <summary>
/// unworkable 0.53: a small C client from OpenBSD (2008) with a wire implementation of its own (BEP 3 and the fast
/// extension's have-all/have-none; no extension protocol). It has no option to bind an address — with <c>-p</c> it
/// listens on every interface — so it runs only in a network namespace the test makes. It learns peers from its
/// tracker alone, saves to (and seeds from) its working directory, and a leecher exits 0 once complete. A seeder
/// (<c>-s</c>) serves about one block a second.
/// </summary>
public sealed class UnworkablePeer : ExternalPeer
{
    private UnworkablePeer(TestTorrent torrent, string saveDir, bool seed, int port)
        : base("unworkable", torrent, saveDir, port, seed)
    {
    }

    /// <summary>Starts a seeder of <see cref="ExternalPeer.DataPath"/> in <paramref name="netNamespace"/>, listening on <paramref name="port"/>.</summary>
    public static UnworkablePeer StartSeeder(TestTorrent torrent, string saveDir, string netNamespace, int port) =>
        Start(torrent, saveDir, netNamespace, seed: true, port);

    /// <summary>Starts a leecher into <paramref name="saveDir"/> in <paramref name="netNamespace"/> (it takes no connections).</summary>
    public static UnworkablePeer StartLeecher(TestTorrent torrent, string saveDir, string netNamespace) =>
        Start(torrent, saveDir, netNamespace, seed: false, 0);

    /// <summary>Waits for the leecher's exit, which must be 0 (it exits once complete).</summary>
    public override async Task WaitForCompletionAsync(TimeSpan timeout)
    {
        var code = await Process.WaitForExitAsync(timeout).ConfigureAwait(false);
        if (code != 0) throw new InvalidOperationException($"{Name} exited with code {code}.\n{Describe()}");
    }

    protected override void OnLine(string line)
    {
    }

    private static UnworkablePeer Start(TestTorrent torrent, string saveDir, string netNamespace, bool seed, int port)
    {
        var program = RequiredPrograms.Unworkable;
        Directory.CreateDirectory(saveDir);
        var peer = new UnworkablePeer(torrent, saveDir, seed, port);
        string[] args = seed ? ["-s", "-p", port.ToString(CultureInfo.InvariantCulture), torrent.TorrentPath] : [torrent.TorrentPath];
        peer.Start(new ProcessSpec(program, args) { Name = peer.Name, WorkingDirectory = saveDir, NetNamespace = netNamespace });
        return peer;
    }
}
