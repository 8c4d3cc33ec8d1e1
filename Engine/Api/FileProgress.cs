using Engine.Core.Metainfo;
using Engine.Core.Pieces;

namespace Engine.Api;

/// <summary>Per-file progress from the verified pieces (pure). Padding files (BEP 47) are left out.</summary>
internal static class FileProgress
{
    /// <summary>
    /// As <see cref="Compute"/>, for a status read while the metadata arrives: a piece map taken before it (no pieces
    /// yet), or none, counts as nothing verified rather than as a mismatch.
    /// </summary>
    public static IReadOnlyList<FileSnapshot> ComputeOrNone(TorrentMetainfo torrent, Bitfield? verified, IReadOnlyList<FilePriority>? priorities = null)
        => Compute(torrent, verified is not null && verified.Count == torrent.PieceCount ? verified : new Bitfield(torrent.PieceCount), priorities);

    /// <param name="priorities">Each file's priority by index; null: all normal.</param>
    public static IReadOnlyList<FileSnapshot> Compute(TorrentMetainfo torrent, Bitfield verified, IReadOnlyList<FilePriority>? priorities = null)
    {
        if (verified.Count != torrent.PieceCount)
            throw new ArgumentException($"the bitfield has {verified.Count} pieces, the torrent {torrent.PieceCount}", nameof(verified));
        var layout = torrent.Layout;
        var result = new List<FileSnapshot>(torrent.Files.Count);
        for (var index = 0; index < torrent.Files.Count; index++)
        {
            var file = torrent.Files[index];
            if (file.IsPadding) continue;
            var priority = priorities is not null && index < priorities.Count ? priorities[index] : FilePriority.Normal;
            if (file.Length == 0)
            {
                result.Add(new FileSnapshot(file.Path, 0, 1) { Index = index, Priority = priority });
                continue;
            }
            long start = file.Offset, end = file.Offset + file.Length, done = 0;
            var first = (int)(start / torrent.PieceLength);
            var last = (int)((end - 1) / torrent.PieceLength);
            for (var piece = verified.NextSet(first); piece >= 0 && piece <= last; piece = verified.NextSet(piece + 1))
            {
                var pieceStart = layout.PieceOffset(piece);
                var pieceEnd = pieceStart + layout.PieceSize(piece);
                done += Math.Min(end, pieceEnd) - Math.Max(start, pieceStart);
            }
            result.Add(new FileSnapshot(file.Path, file.Length, (double)done / file.Length) { Index = index, Priority = priority });
        }
        return result;
    }
}
