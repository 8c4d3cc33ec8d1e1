using Engine.Core.Primitives;

namespace Engine.Core.Storage;

/// <summary>One contiguous run of bytes inside one file.</summary>
/// <param name="FileIndex">Index into the torrent's file list.</param>
/// <param name="FileOffset">Where the run starts within the file.</param>
/// <param name="Length">Bytes in the run (always positive).</param>
/// <param name="BufferOffset">Where the run starts within the mapped range (the caller's buffer).</param>
internal readonly record struct FileSlice(int FileIndex, long FileOffset, int Length, int BufferOffset);

/// <summary>
/// Maps a byte range of the torrent's concatenated content to slices of its files. Pieces and blocks may
/// span file boundaries; zero-length files never receive a slice; padding files (BEP 47) are ordinary
/// entries here, and the storage decides not to write them.
/// </summary>
internal sealed class FileMap
{
    private readonly long[] _starts; // _starts[i] = torrent offset of file i; _starts[^1] = TotalLength
    private readonly long[] _lengths;
    private int _cachedMaxFor = -1;
    private int _cachedMax;

    public FileMap(IReadOnlyList<long> fileLengths)
    {
        ArgumentNullException.ThrowIfNull(fileLengths);
        _starts = new long[fileLengths.Count + 1];
        _lengths = new long[fileLengths.Count];
        long offset = 0;
        for (var i = 0; i < fileLengths.Count; i++)
        {
            var length = fileLengths[i];
            if (length < 0) throw new ArgumentException($"file {i} has a negative length ({length})", nameof(fileLengths));
            _starts[i] = offset;
            _lengths[i] = length;
            offset = checked(offset + length);
        }
        _starts[^1] = offset;
        TotalLength = offset;
    }

    public long TotalLength { get; }

    public int FileCount => _lengths.Length;

    /// <summary>Bytes in file <paramref name="fileIndex"/>.</summary>
    public long FileLength(int fileIndex) => _lengths[fileIndex];

    /// <summary>Torrent offset at which file <paramref name="fileIndex"/> starts.</summary>
    public long FileStart(int fileIndex) => _starts[fileIndex];

    /// <summary>
    /// Writes the file slices covering <c>[torrentOffset, torrentOffset + length)</c> to
    /// <paramref name="destination"/> in order and returns how many. <see cref="MaxSlicesFor"/> sizes the destination.
    /// </summary>
    public int Map(long torrentOffset, int length, Span<FileSlice> destination)
    {
        if (torrentOffset < 0 || length < 0 || torrentOffset > TotalLength - length)
            throw new ArgumentOutOfRangeException(nameof(torrentOffset),
                $"the range {torrentOffset}+{length} is outside the torrent's {TotalLength} bytes");
        if (length == 0) return 0;
        var file = FileAt(torrentOffset);
        var count = 0;
        var done = 0;
        while (done < length)
        {
            var fileLength = _lengths[file];
            if (fileLength > 0)
            {
                if (count == destination.Length)
                    throw new ArgumentException($"the destination holds {destination.Length} slices; the range {torrentOffset}+{length} needs more", nameof(destination));
                var position = torrentOffset + done;
                var inFile = position - _starts[file];
                var take = (int)Math.Min(length - done, fileLength - inFile);
                destination[count++] = new FileSlice(file, inFile, take, done);
                done += take;
            }
            file++;
        }
        return count;
    }

    /// <summary>The most slices any range of <paramref name="length"/> bytes can map to (exact for this file list).</summary>
    public int MaxSlicesFor(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == _cachedMaxFor) return _cachedMax;
        var max = ComputeMaxSlices(length);
        _cachedMaxFor = length;
        _cachedMax = max;
        return max;
    }

    private int ComputeMaxSlices(int length)
    {
        if (length == 0 || TotalLength == 0) return 0;
        // A range touching non-empty files i..k needs one byte of i, one byte of k and all of the files
        // in between: sum(interior) + 2 <= length (or length >= 1 when i == k). Two pointers over the
        // non-empty files find the widest such window.
        var nonEmpty = new List<long>(_lengths.Length);
        foreach (var l in _lengths) if (l > 0) nonEmpty.Add(l);
        var best = 1;
        long interior = 0; // sum of nonEmpty[first+1 .. last-1]
        var first = 0;
        for (var last = 1; last < nonEmpty.Count; last++)
        {
            if (last - 1 > first) interior += nonEmpty[last - 1];
            while (interior + 2 > length && first < last)
            {
                first++;
                if (first < last) interior -= nonEmpty[first];
            }
            if (first < last) best = Math.Max(best, last - first + 1);
        }
        return best;
    }

    /// <summary>The first and last non-empty files holding bytes of <paramref name="piece"/>.</summary>
    public (int first, int last) FilesOfPiece(TorrentLayout layout, int piece)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (layout.TotalLength != TotalLength)
            throw new ArgumentException($"the layout covers {layout.TotalLength} bytes, the files {TotalLength}", nameof(layout));
        if ((uint)piece >= (uint)layout.PieceCount)
            throw new ArgumentOutOfRangeException(nameof(piece), $"piece {piece} is outside the torrent's {layout.PieceCount} pieces");
        var start = layout.PieceOffset(piece);
        return (FileAt(start), FileAt(start + layout.PieceSize(piece) - 1));
    }

    /// <summary>The non-empty file containing torrent byte <paramref name="offset"/> (0 &lt;= offset &lt; TotalLength).</summary>
    private int FileAt(long offset)
    {
        // The first index j with _starts[j] > offset; file j - 1 then starts at or before offset and ends after it.
        int lo = 0, hi = _starts.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_starts[mid] > offset) hi = mid;
            else lo = mid + 1;
        }
        return lo - 1;
    }
}
