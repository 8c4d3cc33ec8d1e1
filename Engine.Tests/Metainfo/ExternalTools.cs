using System.Diagnostics;
using System.Text.Json;

namespace Engine.Tests.Metainfo;

/// <summary>
/// Runs the real programs the interop tests compare against. A missing program fails the test with
/// the apt-get command that installs it (never a skip). Every run is bounded in time.
/// </summary>
internal static class ExternalTools
{
    public const string SystemPython = "/usr/bin/python3";

    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static Result Run(string program, string package, IEnumerable<string> args, string? workingDirectory = null, int timeoutSeconds = 60)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"{program} is not installed ({e.Message}): run `apt-get install {package}`");
            throw;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{program} did not finish within {timeoutSeconds} s");
            }
            return new Result(process.ExitCode, stdout.Result, stderr.Result);
        }
    }

    /// <summary>Runs a Python snippet with the system python that has the libtorrent bindings.</summary>
    public static string RunLibtorrentPython(string script, params string[] args)
    {
        if (!File.Exists(SystemPython))
            Assert.Fail($"{SystemPython} is missing: run `apt-get install python3-libtorrent`");
        var probe = Run(SystemPython, "python3-libtorrent", ["-c", "import libtorrent"]);
        if (probe.ExitCode != 0)
            Assert.Fail($"python3 cannot import libtorrent ({probe.StdErr.Trim()}): run `apt-get install python3-libtorrent`");
        var result = Run(SystemPython, "python3-libtorrent", new[] { "-c", script }.Concat(args));
        Assert.True(result.ExitCode == 0, $"python3-libtorrent script failed: {result.StdErr}");
        return result.StdOut;
    }

    public sealed record LtFile(string Path, long Size, long Offset, bool Pad);

    public sealed record LtTorrent(string InfoHash, bool HasV1, string Name, int NumPieces, int PieceLength, long TotalSize, List<LtFile> Files);

    private const string DescribeScript = """
        import json, sys, libtorrent as lt
        ti = lt.torrent_info(sys.argv[1])
        fs = ti.files()
        h = ti.info_hashes()
        print(json.dumps({
          "InfoHash": str(h.v1) if h.has_v1() else "", "HasV1": h.has_v1(), "Name": ti.name(),
          "NumPieces": ti.num_pieces(), "PieceLength": ti.piece_length(), "TotalSize": ti.total_size(),
          "Files": [{"Path": fs.file_path(i), "Size": fs.file_size(i), "Offset": fs.file_offset(i),
                     "Pad": bool(int(fs.file_flags(i)) & 1)} for i in range(fs.num_files())]}))
        """;

    /// <summary>What python3-libtorrent reports for a .torrent file.</summary>
    public static LtTorrent DescribeWithLibtorrent(string torrentPath)
        => JsonSerializer.Deserialize<LtTorrent>(RunLibtorrentPython(DescribeScript, torrentPath))
           ?? throw new InvalidDataException("python3-libtorrent printed nothing");
}
