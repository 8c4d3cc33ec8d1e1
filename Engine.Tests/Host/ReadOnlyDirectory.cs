using Engine.Tests.Interop;

namespace Engine.Tests.Host;

/// <summary>
/// A directory this process cannot write into, for tests of the host's errors. As root (CI), permissions do not stop
/// writes, so a read-only tmpfs is mounted over it (unmounted on dispose); otherwise its mode becomes r-x.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ReadOnlyDirectory : IAsyncDisposable
{
    private readonly string _path;
    private readonly bool _mounted;

    private ReadOnlyDirectory(string path, bool mounted)
    {
        _path = path;
        _mounted = mounted;
    }

    public static async Task<ReadOnlyDirectory> LockAsync(string path)
    {
        if (Environment.UserName == "root")
        {
            var code = await Run("/usr/bin/mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", path);
            if (code != 0) throw new InvalidOperationException($"mount -t tmpfs -o ro over {path} failed with {code} (the test needs root or a non-root user)");
            return new ReadOnlyDirectory(path, mounted: true);
        }
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return new ReadOnlyDirectory(path, mounted: false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_mounted) await Run("/usr/bin/umount", _path);
        else File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static async Task<int> Run(string program, params string[] args)
    {
        await using var process = ExternalProcess.Start(new ProcessSpec(program, args) { Name = Path.GetFileName(program), MaxLifetime = TimeSpan.FromSeconds(20) });
        return await process.WaitForExitAsync(TimeSpan.FromSeconds(20));
    }
}
