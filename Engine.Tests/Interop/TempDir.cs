namespace Engine.Tests.Interop;

/// <summary>
/// A fresh directory under <c>$TMPDIR/engine-interop/</c>, world-readable (0755) because opentracker drops to user
/// <c>nobody</c> and must read its whitelist there. Dispose deletes it recursively.
/// </summary>
public sealed class TempDir : IDisposable
{
    internal const UnixFileMode Mode0755 =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public TempDir(string prefix = "t")
    {
        var parent = Path.Combine(Path.GetTempPath(), "engine-interop");
        CreateWorldReadable(parent);
        FullPath = Path.Combine(parent, $"{prefix}-{Guid.NewGuid():N}");
        CreateWorldReadable(FullPath);
    }

    /// <summary>The directory's absolute path.</summary>
    public string FullPath { get; }

    /// <summary>Creates (if needed) and returns a world-readable subdirectory.</summary>
    public string Sub(string name)
    {
        var dir = Path.Combine(FullPath, name);
        CreateWorldReadable(dir);
        return dir;
    }

    public static implicit operator string(TempDir dir) => dir.FullPath;

    public override string ToString() => FullPath;

    public void Dispose()
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                if (Directory.Exists(FullPath)) Directory.Delete(FullPath, recursive: true);
                return;
            }
            catch (IOException) { Thread.Sleep(100); }
            catch (UnauthorizedAccessException) { Thread.Sleep(100); }
        }
    }

    private static void CreateWorldReadable(string dir)
    {
        Directory.CreateDirectory(dir);
        if (OperatingSystem.IsWindows()) return;
        try { File.SetUnixFileMode(dir, Mode0755); }
        catch (UnauthorizedAccessException) { } // a shared parent made by another user: leave it
    }
}
