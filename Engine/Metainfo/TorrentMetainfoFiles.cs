using Engine.Core.Metainfo;

namespace Engine.Metainfo;

/// <summary>Reads .torrent files: <c>TorrentMetainfo.Load(path)</c> (Engine.Core parses bytes and reads no files).</summary>
public static class TorrentMetainfoFiles
{
    extension(TorrentMetainfo)
    {
        /// <summary>Reads and parses a .torrent file; a missing, unreadable or oversized file is a <see cref="MetainfoException"/>.</summary>
        public static TorrentMetainfo Load(string path)
        {
            byte[] bytes;
            try
            {
                var size = new FileInfo(path).Length;
                if (size > TorrentMetainfo.MaxFileSize)
                    throw new MetainfoException($"{path}: {size} bytes is too large for a .torrent file (limit {TorrentMetainfo.MaxFileSize})");
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new MetainfoException($"cannot read {path}: {e.Message}", e);
            }
            return TorrentMetainfo.Parse(bytes);
        }
    }
}
