namespace Engine.Host.State;

/// <summary>
/// Moves state that earlier versions wrote into the user's data directories (<c>&lt;dir&gt;/.resume</c>,
/// <c>&lt;dir&gt;/.state</c>, <c>&lt;dir&gt;/.session</c>) to the host's state directory: each file is moved unless one of that
/// name is there already, and the old folder is deleted once empty. Returns one line per folder moved (for the console).
/// </summary>
public static class StateMigration
{
    /// <summary>Moves the files of <paramref name="oldDirectory"/> into <paramref name="newDirectory"/>; null when there was nothing to move.</summary>
    public static string? Move(string oldDirectory, string newDirectory)
    {
        if (!Directory.Exists(oldDirectory)) return null;
        var moved = 0;
        var kept = 0;
        Directory.CreateDirectory(newDirectory);
        foreach (var file in Directory.EnumerateFiles(oldDirectory))
        {
            var target = Path.Combine(newDirectory, Path.GetFileName(file));
            if (File.Exists(target))
            {
                kept++;
                continue;
            }
            File.Move(file, target);
            moved++;
        }
        if (kept == 0 && !Directory.EnumerateFileSystemEntries(oldDirectory).Any()) Directory.Delete(oldDirectory);
        if (moved == 0 && kept == 0) return null;
        return $"moved {moved} state file(s) from {oldDirectory} to {newDirectory}" +
               (kept > 0 ? $" ({kept} left there: newer copies exist)" : "");
    }

    /// <summary>Moves the legacy folders <paramref name="names"/> under <paramref name="dataDirectory"/> into <paramref name="newDirectory"/>.</summary>
    public static IReadOnlyList<string> MoveAll(string dataDirectory, string newDirectory, params string[] names)
    {
        var notes = new List<string>();
        foreach (var name in names)
            if (Move(Path.Combine(dataDirectory, name), newDirectory) is { } note) notes.Add(note);
        return notes;
    }

    /// <summary>Moves a whole state folder (a share's) to <paramref name="newDirectory"/> unless that exists already; null when nothing moved.</summary>
    public static string? MoveTree(string oldDirectory, string newDirectory)
    {
        if (!Directory.Exists(oldDirectory)) return null;
        if (Directory.Exists(newDirectory))
            return $"note: {oldDirectory} is left as it is: {newDirectory} exists already (delete the old one when it is no longer needed)";
        Directory.CreateDirectory(Path.GetDirectoryName(newDirectory)!);
        try
        {
            Directory.Move(oldDirectory, newDirectory);
        }
        catch (IOException)
        {
            // Another file system: copy, then delete.
            Copy(oldDirectory, newDirectory);
            Directory.Delete(oldDirectory, recursive: true);
        }
        return $"moved the state in {oldDirectory} to {newDirectory}";
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.EnumerateDirectories(from)) Copy(dir, Path.Combine(to, Path.GetFileName(dir)));
    }
}
