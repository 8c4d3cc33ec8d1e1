using Engine.Core.Metainfo;
using Engine.Core.Pieces;

namespace Engine.Api;

/// <summary>Per-file progress from the verified pieces (pure). Padding files (BEP 47) are left out.</summary>
internal static class FileProgress
{
    public static IReadOnlyList<FileSnapshot> Compute(TorrentMetainfo torrent, Bitfield verified)
    {
        if (verified.Count != torrent.PieceCount)
            throw new ArgumentException($"the bitfield has {verified.Count} pieces, the torrent {torrent.PieceCount}", nameof(verified));
        var layout = torrent.Layout;
        var result = new List<FileSnapshot>(torrent.Files.Count);
        foreach (var file in torrent.Files)
        {
            if (file.IsPadding) continue;
            if (file.Length == 0)
            {
                result.Add(new FileSnapshot(file.Path, 0, 1));
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
            result.Add(new FileSnapshot(file.Path, file.Length, (double)done / file.Length));
        }
        return result;
    }
}
