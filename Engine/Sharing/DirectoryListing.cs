namespace Engine.Sharing;

/// <summary>Lists the top-level regular files of a directory (no subdirectories, no symbolic links). I/O: run it off actor threads.</summary>
internal static class DirectoryListing
{
    public static IReadOnlyList<ListedFile> List(string directory)
    {
        var list = new List<ListedFile>();
        foreach (var info in new DirectoryInfo(directory).EnumerateFiles())
        {
            try
            {
                if (info.LinkTarget is not null || !ShareLibrary.IsShareableName(info.Name)) continue;
                info.Refresh();
                if (!info.Exists) continue;
                list.Add(new ListedFile(info.Name, info.Length, info.LastWriteTimeUtc));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // gone or unreadable between the listing and the look: the next scan sees it again
            }
        }
        return list;
    }
}
