using Engine.Core.Primitives;
using Engine.Core.Storage;

namespace Engine.Core.Pieces;

/// <summary>
/// Piece priorities from file priorities: a piece is worth the most any file it touches is worth, so a piece shared
/// by a skipped file and a wanted one is downloaded. Levels: 0 = skip (not wanted), 1 = low, 2 = normal, 3 = high.
/// </summary>
internal static class PiecePriorities
{
    public const byte Skip = 0;
    public const byte Low = 1;
    public const byte Normal = 2;
    public const byte High = 3;

    /// <summary>One priority per piece of <paramref name="layout"/>; <paramref name="filePriorities"/> holds one level per file. Zero-length files touch no piece.</summary>
    public static byte[] FromFiles(TorrentLayout layout, FileMap files, ReadOnlySpan<byte> filePriorities)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(files);
        if (filePriorities.Length != files.FileCount)
            throw new ArgumentException($"{filePriorities.Length} priorities for {files.FileCount} files", nameof(filePriorities));
        var pieces = new byte[layout.PieceCount];
        for (var file = 0; file < files.FileCount; file++)
        {
            var length = files.FileLength(file);
            var priority = filePriorities[file];
            if (length == 0 || priority == Skip) continue;
            var start = files.FileStart(file);
            var first = (int)(start / layout.PieceLength);
            var last = (int)((start + length - 1) / layout.PieceLength);
            for (var piece = first; piece <= last; piece++)
                if (pieces[piece] < priority) pieces[piece] = priority;
        }
        return pieces;
    }

    /// <summary>Every file wanted at normal priority.</summary>
    public static byte[] AllNormal(int fileCount)
    {
        var levels = new byte[fileCount];
        Array.Fill(levels, Normal);
        return levels;
    }
}
