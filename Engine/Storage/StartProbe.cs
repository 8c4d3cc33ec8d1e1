using Engine.Core.Metainfo;

namespace Engine.Storage;

/// <summary>
/// What a torrent about to start has on disk, found without its storage actor: a few stats on the thread that adds it,
/// so that a torrent with nothing yet starts its swarm at once instead of after its check (docs/decisions.md, "Start-up").
/// </summary>
internal static class StartProbe
{
    /// <summary>
    /// True when there is no resume record and nothing where the torrent's files go: neither its parts file nor any of
    /// the top-level entries its files live under (a multi-file torrent's directory, a single file). Anything found,
    /// or a path that leaves the directory, says false (the storage's check decides).
    /// </summary>
    public static bool NothingOnDisk(TorrentMetainfo torrent, string saveDirectory, string resumePath)
    {
        try
        {
            if (File.Exists(resumePath)) return false;
            var directory = Path.GetFullPath(saveDirectory);
            if (!Directory.Exists(directory)) return true;
            if (Path.Exists(TorrentStorage.PartsPathFor(torrent, directory))) return false;
            string? previous = null;
            foreach (var file in torrent.Files)
            {
                var slash = file.Path.IndexOf('/');
                var top = slash < 0 ? file.Path : file.Path[..slash];
                if (top == previous) continue;
                previous = top;
                if (top is "" or "." or ".." || Path.Exists(Path.Combine(directory, top))) return false;
            }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return false;
        }
    }
}
