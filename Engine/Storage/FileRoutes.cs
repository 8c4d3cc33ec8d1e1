namespace Engine.Storage;

/// <summary>
/// Which files' bytes go to the torrent's parts file instead of the file itself: skipped files that do not exist on
/// disk. A piece shared by a skipped file and a wanted one is downloaded whole; its skipped file's bytes live in the
/// parts file (<c>.&lt;info-hash&gt;.parts</c> in the save directory, sparse, at the bytes' torrent offset), so the
/// skipped file never appears. Shared by the torrent's writing storage and its upload reads; changed only by the
/// disk worker (<see cref="TorrentStorage.Reroute"/>), read from any thread. See decisions, "The parts file".
/// </summary>
internal sealed class FileRoutes(int fileCount, string partsPath)
{
    private volatile bool[] _toParts = new bool[fileCount];

    public string PartsPath { get; } = partsPath;

    public bool ToParts(int file) => _toParts[file];

    public bool Any
    {
        get
        {
            foreach (var routed in _toParts) if (routed) return true;
            return false;
        }
    }

    internal bool[] Current => _toParts;

    internal void Set(bool[] toParts) => _toParts = toParts;
}
