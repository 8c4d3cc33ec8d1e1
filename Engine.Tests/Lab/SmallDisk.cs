using System.Diagnostics;

namespace Engine.Tests.Lab;

/// <summary>
/// A real, tiny file system for disk-full tests: a tmpfs of <c>size</c> bytes mounted on a fresh directory (needs root,
/// as the lab's network namespaces will). Writing past its size fails with ENOSPC ("No space left on device"), as a
/// full disk does. Unmounted (lazily, so a file still open cannot keep it) and removed on dispose, even when the test
/// failed. A machine without root fails the test saying so, rather than skipping it.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    public static SmallDisk Mount(long size)
    {
        if (Environment.UserName != "root" && !IsRoot())
            throw new InvalidOperationException("SmallDisk mounts a tmpfs and needs root (run the tests as root, e.g. sudo ./run-tests.sh)");
        var path = Directory.CreateTempSubdirectory("small-disk-").FullName;
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", path);
        if (code != 0)
        {
            Directory.Delete(path);
            throw new InvalidOperationException($"cannot mount a tmpfs on {path}: {output}");
        }
        return new SmallDisk(path);
    }

    private static bool IsRoot() => Run("id", "-u").Output.Trim() == "0";

    private static (int Code, string Output) Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        if (!p.WaitForExit(10_000)) { p.Kill(); return (-1, "timed out"); }
        return (p.ExitCode, output);
    }

    public void Dispose()
    {
        Run("umount", "-l", Path);
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
