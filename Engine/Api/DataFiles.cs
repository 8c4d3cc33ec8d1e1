using Engine.Core.Metainfo;

namespace Engine.Api;

/// <summary>Deletes a torrent's downloaded files and its parts file, and the directories that are left empty by that (never the save directory itself).</summary>
internal static class DataFiles
{
    public static void Delete(TorrentMetainfo torrent, string saveDirectory)
    {
        var root = Path.GetFullPath(saveDirectory);
        var directories = new HashSet<string>();
        foreach (var file in torrent.Files)
        {
            if (file.IsPadding) continue;
            var full = Path.GetFullPath(Path.Combine(root, file.Path.Replace('/', Path.DirectorySeparatorChar)));
            if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
            try { File.Delete(full); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            for (var dir = Path.GetDirectoryName(full); dir is not null && dir.Length > root.Length; dir = Path.GetDirectoryName(dir))
                directories.Add(dir);
        }
        try { File.Delete(Storage.TorrentStorage.PartsPathFor(torrent, root)); } // skipped files' bytes (decisions, "The parts file")
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        // Deepest first, so that a parent is empty by the time it is tried.
        foreach (var dir in directories.OrderByDescending(d => d.Length))
        {
            try
            {
                if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
