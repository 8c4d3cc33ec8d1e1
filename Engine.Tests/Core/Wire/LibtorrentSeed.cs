using System.Diagnostics;
using Engine.Core.Primitives;

namespace Engine.Tests.Core.Wire;

/// <summary>
/// A real libtorrent (python3-libtorrent via /usr/bin/python3) seeding one file on 127.0.0.1. The torrent is
/// created by libtorrent itself (v1 only, or v2 only: then <see cref="InfoHash"/> is the v2 hash truncated to 20 bytes,
/// what the handshake carries), so this needs nothing from our own metainfo code.
/// </summary>
internal sealed class LibtorrentSeed : IDisposable
{
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import sys, os, time
        try:
            import libtorrent as lt
        except ImportError:
            print('NOLIBTORRENT', flush=True); sys.exit(3)
        path, piece_len, v2 = sys.argv[1], int(sys.argv[2]), sys.argv[3] == '2'

        fs = lt.file_storage()
        lt.add_files(fs, path)
        t = lt.create_torrent(fs, piece_len, flags=lt.create_torrent.v2_only if v2 else lt.create_torrent.v1_only)
        lt.set_piece_hashes(t, os.path.dirname(path))
        ti = lt.torrent_info(t.generate())
        ses = lt.session({'listen_interfaces': '127.0.0.1:0', 'enable_dht': False, 'enable_lsd': False,
                          'enable_upnp': False, 'enable_natpmp': False})
        h = ses.add_torrent({'ti': ti, 'save_path': os.path.dirname(path)})
        deadline = time.time() + 20
        while h.status().state != lt.torrent_status.seeding and time.time() < deadline:
            time.sleep(0.05)
        ih = str(ti.info_hashes().v2)[:40] if v2 else str(ti.info_hash())
        print('READY', h.status().state, ih, ses.listen_port(), flush=True)
        sys.stdin.read()
        """;

    private readonly Process _process;
    private readonly string _dir;

    public LibtorrentSeed(byte[] content, int pieceLength, bool v2Only = false)
    {
        if (!File.Exists(Python))
            Assert.Fail($"{Python} is missing: apt-get install python3 python3-libtorrent");
        _dir = Directory.CreateTempSubdirectory("wire-interop-").FullName;
        var payload = Path.Combine(_dir, "payload.bin");
        File.WriteAllBytes(payload, content);
        var script = Path.Combine(_dir, "seed.py");
        File.WriteAllText(script, Script);
        var start = new ProcessStartInfo(Python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(payload);
        start.ArgumentList.Add(pieceLength.ToString());
        start.ArgumentList.Add(v2Only ? "2" : "1");
        _process = Process.Start(start)!;
        var line = ReadLine(TimeSpan.FromSeconds(30));
        if (line == "NOLIBTORRENT")
            Assert.Fail($"{Python} cannot import libtorrent: apt-get install python3-libtorrent");
        var parts = line?.Split(' ');
        if (parts is not ["READY", "seeding", _, _])
            Assert.Fail($"libtorrent seed did not start: '{line}' {_process.StandardError.ReadToEnd()}");
        InfoHash = InfoHash.FromHex(parts[2]);
        Port = int.Parse(parts[3]);
    }

    public InfoHash InfoHash { get; }
    public int Port { get; }

    private string? ReadLine(TimeSpan timeout)
    {
        var read = _process.StandardOutput.ReadLineAsync();
        if (!read.Wait(timeout))
            Assert.Fail($"libtorrent seed printed nothing within {timeout.TotalSeconds} s");
        return read.Result;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill();
            _process.WaitForExit(5000);
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }
}
