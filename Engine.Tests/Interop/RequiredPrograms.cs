using System.Diagnostics;

namespace Engine.Tests.Interop;

/// <summary>Thrown when a real BitTorrent program the interop tests need is not installed.</summary>
public sealed class MissingProgramException(string message) : Exception(message);

/// <summary>
/// Locates the real programs. A missing one is an error naming the Debian package to install (tests never skip).
/// </summary>
public static class RequiredPrograms
{
    /// <summary>The system Python that has libtorrent (NOT the <c>python3</c> on PATH, which may be a pyenv without it).</summary>
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string> LibtorrentCheck = new(CheckLibtorrent);

    public static string Aria2c => Find("aria2c", "aria2");
    public static string TransmissionCli => Find("transmission-cli", "transmission-cli");
    public static string Rtorrent => Find("rtorrent", "rtorrent");
    public static string Ctorrent => Find("ctorrent", "ctorrent");
    public static string Lftp => Find("lftp", "lftp");
    public static string Unworkable => Find("unworkable", "unworkable");
    /// <summary>java, once BiglyBT's jars are there (Debian's <c>biglybt</c> brings both).</summary>
    public static string BiglyBtJava => File.Exists("/usr/share/java/biglybt-core.jar")
        ? Find("java", "biglybt")
        : throw new MissingProgramException("BiglyBT is not installed; the interop tests need it: apt-get install biglybt (./run-tests.sh installs it)");
    public static string OpenTracker => Find("opentracker", "opentracker");
    public static string MkTorrent => Find("mktorrent", "mktorrent");

    /// <summary>/usr/bin/python3 after checking that <c>import libtorrent</c> works; returns the libtorrent version.</summary>
    public static string LibtorrentVersion => LibtorrentCheck.Value;

    /// <summary>The absolute path of <paramref name="program"/> on PATH or in the usual bin folders.</summary>
    public static string Find(string program, string debianPackage)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/bin", "/usr/local/bin", "/bin", "/usr/sbin", "/sbin"]);
        foreach (var dir in dirs)
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate)) return candidate;
        }
        throw new MissingProgramException(
            $"'{program}' is not installed; the interop tests need it: apt-get install {debianPackage} (./run-tests.sh installs it)");
    }

    private static string CheckLibtorrent()
    {
        if (!File.Exists(Python))
            throw new MissingProgramException($"{Python} is missing: apt-get install python3 python3-libtorrent");
        var psi = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import libtorrent; print(libtorrent.__version__)");
        psi.Environment.Remove("PYTHONHOME");
        psi.Environment.Remove("PYTHONPATH");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(30_000)) { p.Kill(); throw new TimeoutException($"{Python} -c 'import libtorrent' did not finish in 30 s"); }
        if (p.ExitCode != 0)
            throw new MissingProgramException(
                $"python libtorrent is not importable by {Python}: apt-get install python3-libtorrent ({stderr.Trim()})");
        return stdout.Trim();
    }
}
