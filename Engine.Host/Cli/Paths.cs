using Engine.Host.Commands;

namespace Engine.Host.Cli;

/// <summary>Checks of the paths a command is given, before anything starts: each failure is one line naming the path and what to do.</summary>
public static class Paths
{
    /// <summary>
    /// Makes sure <paramref name="path"/> is a directory this process can write into (creating it if missing), or
    /// throws <see cref="CommandLineException"/> saying why not: a file is in the way, permission denied, a read-only
    /// file system.
    /// </summary>
    public static string WritableDirectory(string path, string option)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
            throw new CommandLineException($"{option} {path}: is a file, not a directory; give the directory to save into");
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (UnauthorizedAccessException)
        {
            throw new CommandLineException($"{option} {path}: permission denied creating the directory; choose another {option} or fix the permissions of its parent");
        }
        catch (IOException e)
        {
            throw new CommandLineException($"{option} {path}: cannot create the directory: {Reason(e)}");
        }
        var probe = Path.Combine(full, $".engine-host-write-test-{Environment.ProcessId}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (UnauthorizedAccessException)
        {
            throw new CommandLineException($"{option} {path}: permission denied writing into the directory; choose another {option} or fix its permissions");
        }
        catch (IOException e)
        {
            throw new CommandLineException($"{option} {path}: cannot write into the directory: {Reason(e)}");
        }
        return full;
    }

    /// <summary>An existing directory (for data to seed or share from).</summary>
    public static string ExistingDirectory(string path, string option)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full)) throw new CommandLineException($"{option} {path}: is a file, not a directory");
        if (!Directory.Exists(full)) throw new CommandLineException($"{option} {path}: no such directory");
        return full;
    }

    /// <summary>The message of an I/O error without the path the caller names already.</summary>
    public static string Reason(Exception e) => e.Message.TrimEnd('.');
}
