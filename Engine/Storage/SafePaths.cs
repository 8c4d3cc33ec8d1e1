using Microsoft.Win32.SafeHandles;

namespace Engine.Storage;

/// <summary>
/// Keeps a torrent's writes inside its download directory when the directory already holds symbolic links (left by a
/// user, another program, or an attacker who can write there): a link anywhere below the directory — a file or a
/// directory on the way to it — is refused rather than followed. Checked before a file is created or opened
/// (<see cref="RefuseLinks"/>), and after it is opened the kernel's own path of the handle (<c>/proc/self/fd</c>, on
/// Linux) must be the expected one (<see cref="VerifyOpened"/>), which also catches a link swapped in between. The
/// download directory itself may be reached through links (its real path is resolved once).
/// </summary>
internal sealed class SafePaths
{
    private readonly string _root;      // as given, full, with a trailing separator
    private readonly string _realRoot;  // links resolved, with a trailing separator
    private readonly bool _canVerify = Directory.Exists("/proc/self/fd");

    public SafePaths(string root)
    {
        _root = WithSeparator(Path.GetFullPath(root));
        _realRoot = WithSeparator(RealPath(_root));
    }

    /// <summary>Throws when a component of <paramref name="fullPath"/> below the root exists and is a symbolic link.</summary>
    public void RefuseLinks(string fullPath)
    {
        var relative = fullPath[_root.Length..];
        var current = _root.TrimEnd(Path.DirectorySeparatorChar);
        foreach (var part in relative.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = current + Path.DirectorySeparatorChar + part;
            FileSystemInfo info = new FileInfo(current);
            if (!info.Exists) info = new DirectoryInfo(current);
            if (!info.Exists && info.LinkTarget is null) return; // nothing further exists: nothing to follow
            if (info.LinkTarget is { } target)
                throw new IOException($"refusing to follow the symbolic link '{current}' (to '{target}') inside the download directory");
        }
    }

    /// <summary>Throws (after closing it) when <paramref name="handle"/>, opened for <paramref name="fullPath"/>, is a file elsewhere.</summary>
    public void VerifyOpened(SafeFileHandle handle, string fullPath)
    {
        if (!_canVerify) return;
        var expected = _realRoot + fullPath[_root.Length..];
        var actual = new FileInfo("/proc/self/fd/" + handle.DangerousGetHandle()).LinkTarget;
        if (actual is null || actual == expected) return;
        handle.Dispose();
        throw new IOException($"refusing to write '{fullPath}': it leads to '{actual}', outside the download directory's own files");
    }

    private static string WithSeparator(string path) => path.EndsWith(Path.DirectorySeparatorChar) ? path : path + Path.DirectorySeparatorChar;

    /// <summary><paramref name="path"/> with every link among its existing components resolved.</summary>
    private static string RealPath(string path)
    {
        var parts = path.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = Path.GetPathRoot(path) ?? "/";
        foreach (var part in parts)
        {
            var next = Path.Combine(current, part);
            var info = new DirectoryInfo(next);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target) next = target.FullName;
            current = next;
        }
        return current;
    }
}
