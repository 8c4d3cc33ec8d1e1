using Engine.Core.Primitives;

namespace Engine.Core.Pieces;

/// <summary>
/// Streaming: the pieces at a file's two ends, fetched before any reading window as soon as a read stream opens on it —
/// players read the container's index before they play, and many keep it at the end (WebM cues, an MP4 moov not moved to
/// the front), so a tail left to the end of the download delays playback to the end of the download (qBittorrent's "first
/// and last pieces first" does the same). The file's first piece and its last, as one window when they touch. Pure.
/// </summary>
internal static class StreamEdges
{
    /// <summary>The windows (first piece, count) for the file of <paramref name="length"/> bytes at <paramref name="offset"/>: none for an empty file.</summary>
    public static (int First, int Count)[] Of(TorrentLayout layout, long offset, long length)
    {
        if (length <= 0) return [];
        var first = (int)(offset / layout.PieceLength);
        var last = (int)((offset + length - 1) / layout.PieceLength);
        return last - first <= 1 ? [(first, last - first + 1)] : [(first, 1), (last, 1)];
    }
}
