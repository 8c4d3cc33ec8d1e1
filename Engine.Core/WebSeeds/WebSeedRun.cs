using Engine.Core.Primitives;

namespace Engine.Core.WebSeeds;

/// <summary>
/// Contiguous blocks of the torrent fetched from a web seed in one go: <see cref="Length"/> bytes from the torrent
/// offset <see cref="Offset"/>, which are exactly <see cref="Blocks"/> in order.
/// </summary>
internal sealed record WebSeedRun(long Offset, int Length, BlockRequest[] Blocks)
{
    /// <summary>
    /// Sorts <paramref name="blocks"/> by position and cuts them into runs of contiguous blocks of at most
    /// <paramref name="maxRunBytes"/> bytes (a run may cross piece boundaries: adjacent pieces are one range).
    /// </summary>
    public static List<WebSeedRun> Group(IReadOnlyList<BlockRequest> blocks, TorrentLayout layout, int maxRunBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRunBytes, TorrentLayout.BlockSize);
        var sorted = new BlockRequest[blocks.Count];
        for (var i = 0; i < sorted.Length; i++) sorted[i] = blocks[i];
        Array.Sort(sorted, static (a, b) => a.Piece != b.Piece ? a.Piece.CompareTo(b.Piece) : a.Offset.CompareTo(b.Offset));
        var runs = new List<WebSeedRun>();
        var start = 0;
        while (start < sorted.Length)
        {
            var offset = layout.PieceOffset(sorted[start].Piece) + sorted[start].Offset;
            long end = offset + sorted[start].Length;
            var next = start + 1;
            while (next < sorted.Length)
            {
                var b = sorted[next];
                var at = layout.PieceOffset(b.Piece) + b.Offset;
                if (at != end || end + b.Length - offset > maxRunBytes) break;
                end += b.Length;
                next++;
            }
            runs.Add(new WebSeedRun(offset, (int)(end - offset), sorted[start..next]));
            start = next;
        }
        return runs;
    }
}
