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
        RootCommands.Require("SmallDisk (it mounts a tmpfs)");
        var path = Directory.CreateTempSubdirectory("small-disk-").FullName;
        var (code, output) = RootCommands.Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", path);
        if (code != 0)
        {
            Directory.Delete(path);
            throw new InvalidOperationException($"cannot mount a tmpfs on {path}: {output}");
        }
        return new SmallDisk(path);
    }

    public void Dispose()
    {
        RootCommands.Run("umount", "-l", Path);
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
