namespace Engine.Storage;

/// <summary>
/// Verified data is no longer what we verified: a file of the torrent is missing, shorter than the torrent says, or
/// was changed by someone else since it was checked. Thrown by a reading-only <see cref="TorrentStorage"/> (uploads),
/// which never fills a gap with zeros; <see cref="File"/> names the torrent file.
/// </summary>
internal sealed class DataLostException(int file, string message, Exception? inner = null) : IOException(message, inner)
{
    public int File { get; } = file;
}
