using Engine.Core.Metainfo;
using Engine.Core.Primitives;
using Engine.Core.Storage;
using Microsoft.Win32.SafeHandles;

namespace Engine.Storage;

/// <summary>
/// Synchronous file I/O for one torrent: maps torrent byte ranges onto its files (pieces may span file
/// boundaries), opens handles lazily, writes each block straight to its place. Padding files (BEP 47)
/// are never created: writes to them are dropped, reads give zeros. Reads and writes may run on several
/// threads at once (positional I/O); <see cref="CloseHandles"/> must not
/// overlap them — the disk worker (see <see cref="StorageActor"/>) calls them only when idle.
/// </summary>
internal sealed class TorrentStorage : IDisposable
{
    private readonly TorrentMetainfo _torrent;
    private readonly FileMap _map;
    private readonly string[] _fullPaths;
    private readonly SafeFileHandle?[] _handles;
    private readonly bool _preallocate;
    private readonly bool _readOnly;
    private readonly OwnWrites? _ownWrites;  // writing: counted before each write; reading: to tell our writes from others'
    private readonly ChangeGuard? _guard;    // reading only
    private readonly SafePaths? _safe;       // writing: no symbolic link inside the download directory is followed
    private readonly FileRoutes _routes;     // skipped files whose bytes go to the parts file
    private readonly int _parts;             // the parts file's slot in _handles
    private readonly object _gate = new();
    private bool _disposed;

    /// <param name="ownWrites">Counts this storage's writes per file, for a reading storage of the same files (uploads) to tell them from others'.</param>
    /// <param name="routes">Skipped files routed to the parts file (shared with the upload reads); none when null.</param>
    public TorrentStorage(TorrentMetainfo torrent, string saveDirectory, bool preallocate = false, OwnWrites? ownWrites = null, FileRoutes? routes = null)
        : this(torrent, saveDirectory, preallocate, readOnly: false, ownWrites, routes)
    {
    }

    private TorrentStorage(TorrentMetainfo torrent, string saveDirectory, bool preallocate, bool readOnly, OwnWrites? ownWrites, FileRoutes? routes)
    {
        _torrent = torrent;
        _preallocate = preallocate;
        _readOnly = readOnly;
        _ownWrites = ownWrites;
        SaveDirectory = Path.GetFullPath(saveDirectory);
        var lengths = new long[torrent.Files.Count];
        _fullPaths = new string[torrent.Files.Count];
        var root = SaveDirectory.EndsWith(Path.DirectorySeparatorChar) ? SaveDirectory : SaveDirectory + Path.DirectorySeparatorChar;
        for (var i = 0; i < lengths.Length; i++)
        {
            var file = torrent.Files[i];
            lengths[i] = file.Length;
            var full = Path.GetFullPath(Path.Combine(SaveDirectory, file.Path.Replace('/', Path.DirectorySeparatorChar)));
            if (!full.StartsWith(root, StringComparison.Ordinal))
                throw new IOException($"file '{file.Path}' would be written outside the download directory");
            _fullPaths[i] = full;
        }
        _map = new FileMap(lengths);
        _routes = routes ?? new FileRoutes(lengths.Length, PartsPathFor(torrent, SaveDirectory));
        _parts = lengths.Length;
        _handles = new SafeFileHandle?[lengths.Length + 1];
        if (!readOnly) _safe = new SafePaths(SaveDirectory);
        if (readOnly)
        {
            _guard = new ChangeGuard(lengths.Length, ownWrites);
            for (var i = 0; i < lengths.Length; i++)
                if (!torrent.Files[i].IsPadding) _guard.Baseline(i, _fullPaths[i]);
        }
    }

    /// <summary>
    /// A storage that only reads, with read-only handles of its own (it never creates a file or a directory; writes
    /// throw <see cref="InvalidOperationException"/>): for readers that run beside the disk worker, e.g. uploads. It
    /// serves verified data only: a missing file, a read that comes up short (a truncated file) or a file changed by
    /// someone else since it was first seen (<see cref="ChangeGuard"/>; <paramref name="ownWrites"/> are the disk
    /// worker's, which do not count) throw <see cref="DataLostException"/> instead of giving zeros or other bytes.
    /// </summary>
    public static TorrentStorage ForReading(TorrentMetainfo torrent, string saveDirectory, OwnWrites? ownWrites = null, FileRoutes? routes = null)
        => new(torrent, saveDirectory, preallocate: false, readOnly: true, ownWrites, routes);

    /// <summary>Where a torrent's parts file lives: <c>.&lt;info-hash&gt;.parts</c> in its save directory.</summary>
    public static string PartsPathFor(TorrentMetainfo torrent, string saveDirectory)
        => Path.Combine(Path.GetFullPath(saveDirectory), "." + torrent.InfoHash.ToHex() + ".parts");

    public string SaveDirectory { get; }

    public FileRoutes Routes => _routes;

    public IReadOnlyList<string> FullPaths => _fullPaths;

    /// <summary>Creates every non-padding file at its final size (sparse unless preallocation was asked for).</summary>
    public void CreateFiles()
    {
        ThrowIfReadOnly();
        lock (_gate)
        {
            for (var i = 0; i < _fullPaths.Length; i++)
            {
                if (_torrent.Files[i].IsPadding || _routes.ToParts(i)) continue;
                var h = Handle(i);
                if (RandomAccess.GetLength(h) != _torrent.Files[i].Length)
                {
                    _ownWrites?.Writing(i);
                    try { RandomAccess.SetLength(h, _torrent.Files[i].Length); }
                    finally { _ownWrites?.Written(i); }
                }
            }
        }
    }

    /// <summary>Creates the torrent's zero-length files (no block ever maps onto them, so writes never would).</summary>
    public void CreateEmptyFiles()
    {
        ThrowIfReadOnly();
        for (var i = 0; i < _fullPaths.Length; i++)
        {
            var file = _torrent.Files[i];
            if (file.Length != 0 || file.IsPadding || file.IsSymlink || _routes.ToParts(i)) continue;
            _safe!.RefuseLinks(_fullPaths[i]);
            if (File.Exists(_fullPaths[i])) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(_fullPaths[i])!);
            using var created = File.OpenHandle(_fullPaths[i], FileMode.CreateNew, FileAccess.Write);
            _safe.VerifyOpened(created, _fullPaths[i]);
        }
    }

    /// <summary>Writes <paramref name="data"/> at the torrent offset of <paramref name="block"/>.</summary>
    public void Write(BlockRequest block, ReadOnlySpan<byte> data)
        => WriteAt(_torrent.Layout.PieceOffset(block.Piece) + block.Offset, data);

    public void WriteAt(long torrentOffset, ReadOnlySpan<byte> data)
    {
        ThrowIfReadOnly();
        Span<FileSlice> slices = stackalloc FileSlice[Math.Max(1, _map.MaxSlicesFor(data.Length))];
        var n = _map.Map(torrentOffset, data.Length, slices);
        for (var i = 0; i < n; i++)
        {
            var s = slices[i];
            if (_torrent.Files[s.FileIndex].IsPadding) continue;
            var (handle, offset, counted) = WriteTarget(s);
            try { RandomAccess.Write(handle, data.Slice(s.BufferOffset, s.Length), offset); }
            finally { if (counted) _ownWrites!.Written(s.FileIndex); }
        }
    }

    /// <summary>
    /// Writes consecutive buffers (<paramref name="length"/> bytes in all) starting at <paramref name="torrentOffset"/>:
    /// one vectored write per file the range touches.
    /// </summary>
    public void WriteAt(long torrentOffset, IReadOnlyList<ReadOnlyMemory<byte>> buffers, int length)
    {
        ThrowIfReadOnly();
        var slices = new FileSlice[Math.Max(1, _map.MaxSlicesFor(length))];
        var n = _map.Map(torrentOffset, length, slices);
        var parts = new List<ReadOnlyMemory<byte>>(buffers.Count);
        for (var i = 0; i < n; i++)
        {
            var s = slices[i];
            if (_torrent.Files[s.FileIndex].IsPadding) continue;
            parts.Clear();
            long from = s.BufferOffset, to = s.BufferOffset + (long)s.Length, bufferStart = 0;
            foreach (var b in buffers)
            {
                var bufferEnd = bufferStart + b.Length;
                if (bufferEnd > from && bufferStart < to)
                {
                    var a = (int)(Math.Max(from, bufferStart) - bufferStart);
                    var z = (int)(Math.Min(to, bufferEnd) - bufferStart);
                    parts.Add(b[a..z]);
                }
                bufferStart = bufferEnd;
                if (bufferStart >= to) break;
            }
            var (handle, offset, counted) = WriteTarget(s);
            try { RandomAccess.Write(handle, parts, offset); }
            finally { if (counted) _ownWrites!.Written(s.FileIndex); }
        }
    }

    /// <summary>
    /// Reads exactly <paramref name="destination"/>.Length bytes. Missing file regions read as zeros (the disk worker
    /// hash-checks partial downloads); a reading-only storage throws <see cref="DataLostException"/> instead.
    /// </summary>
    public void Read(long torrentOffset, Span<byte> destination)
    {
        Span<FileSlice> slices = stackalloc FileSlice[Math.Max(1, _map.MaxSlicesFor(destination.Length))];
        var n = _map.Map(torrentOffset, destination.Length, slices);
        for (var i = 0; i < n; i++)
        {
            var s = slices[i];
            var target = destination.Slice(s.BufferOffset, s.Length);
            if (_routes.ToParts(s.FileIndex))
            {
                ReadParts(s, target);
                continue;
            }
            var handle = _torrent.Files[s.FileIndex].IsPadding ? null : ExistingHandle(s.FileIndex);
            if (handle is null)
            {
                target.Clear();
                continue;
            }
            var done = 0;
            while (done < target.Length)
            {
                var r = RandomAccess.Read(handle, target[done..], s.FileOffset + done);
                if (r > 0) { done += r; continue; }
                if (_readOnly)
                {
                    _guard!.Seen(s.FileIndex, handle); // the truncation is this report: not a second one at the next read
                    throw new DataLostException(s.FileIndex, $"'{_fullPaths[s.FileIndex]}' is shorter than the torrent says (truncated?)");
                }
                target[done..].Clear();
                break;
            }
            _guard?.Check(s.FileIndex, handle, _fullPaths[s.FileIndex]);
        }
    }

    /// <summary>
    /// Where a slice is written: the file itself (its write counted as started: <paramref name="s"/>'s file is then
    /// owed a <see cref="OwnWrites.Written"/>), or the parts file at the slice's torrent offset.
    /// </summary>
    private (SafeFileHandle Handle, long Offset, bool Counted) WriteTarget(FileSlice s)
    {
        if (_routes.ToParts(s.FileIndex)) return (Handle(_parts), _map.FileStart(s.FileIndex) + s.FileOffset, false);
        var handle = Handle(s.FileIndex);
        _ownWrites?.Writing(s.FileIndex);
        return (handle, s.FileOffset, _ownWrites is not null);
    }

    /// <summary>A skipped file's bytes from the parts file; holes and a missing parts file read as zeros (a reading-only storage: lost data).</summary>
    private void ReadParts(FileSlice s, Span<byte> target)
    {
        SafeFileHandle? handle;
        try { handle = ExistingHandle(_parts); }
        catch (DataLostException e) { throw new DataLostException(s.FileIndex, e.Message, e); }
        if (handle is null)
        {
            target.Clear();
            return;
        }
        var offset = _map.FileStart(s.FileIndex) + s.FileOffset;
        var done = 0;
        while (done < target.Length)
        {
            var r = RandomAccess.Read(handle, target[done..], offset + done);
            if (r > 0) { done += r; continue; }
            if (_readOnly) throw new DataLostException(s.FileIndex, $"the parts file '{_routes.PartsPath}' lacks bytes of '{_fullPaths[s.FileIndex]}'");
            target[done..].Clear();
            break;
        }
    }

    /// <summary>
    /// Routes the skipped files that do not exist on disk to the parts file (a skipped file that exists keeps its
    /// bytes where they are); a file wanted again gets back the bytes the parts file holds for it — at most its first
    /// and last piece's, those it shared with a wanted neighbour. Disk worker only.
    /// </summary>
    public void Reroute(IReadOnlyList<bool> skipped)
    {
        ThrowIfReadOnly();
        lock (_gate)
        {
            var old = _routes.Current;
            var next = new bool[old.Length];
            for (var i = 0; i < next.Length; i++)
                next[i] = skipped[i] && !_torrent.Files[i].IsPadding && (old[i] || !File.Exists(_fullPaths[i]));
            var parts = File.Exists(_routes.PartsPath) ? Handle(_parts) : null;
            for (var i = 0; i < next.Length; i++)
                if (old[i] && !next[i] && parts is not null) CopyFromParts(i, parts);
            _routes.Set(next);
        }
    }

    private void CopyFromParts(int file, SafeFileHandle parts)
    {
        var length = _torrent.Files[file].Length;
        if (length == 0) return;
        var start = _map.FileStart(file);
        var pieceLength = _torrent.Layout.PieceLength;
        var headEnd = Math.Min(length, pieceLength - start % pieceLength);
        var tailStart = Math.Max(headEnd, (start + length - 1) / pieceLength * pieceLength - start);
        var buffer = new byte[Math.Min(pieceLength, 1 << 20)];
        var target = Handle(file);
        _ownWrites?.Writing(file);
        try
        {
            foreach (var (from, to) in new[] { (0L, headEnd), (tailStart, length) })
                for (var at = from; at < to;)
                {
                    var n = RandomAccess.Read(parts, buffer.AsSpan(0, (int)Math.Min(buffer.Length, to - at)), start + at);
                    if (n <= 0) break;
                    RandomAccess.Write(target, buffer.AsSpan(0, n), at);
                    at += n;
                }
        }
        finally { _ownWrites?.Written(file); }
    }

    /// <summary>Sizes and last-write times of the files (for resume validation); -1 when a file is absent.</summary>
    public (long Length, long MTimeTicks)[] FileStamps()
    {
        lock (_gate)
        {
            var result = new (long, long)[_fullPaths.Length];
            for (var i = 0; i < _fullPaths.Length; i++)
            {
                if (_torrent.Files[i].IsPadding) { result[i] = (0, 0); continue; }
                var info = new FileInfo(_fullPaths[i]);
                result[i] = info.Exists ? (info.Length, info.LastWriteTimeUtc.Ticks) : (-1, 0);
            }
            return result;
        }
    }

    /// <summary>
    /// True when every file the range touches is routed to the parts file (a skipped file absent from disk) or is
    /// padding: a piece only such files hold was never wanted, so the start-up check need not hash it.
    /// </summary>
    public bool OnlyInParts(long torrentOffset, int length)
    {
        if (!_routes.Any) return false;
        var slices = new FileSlice[Math.Max(1, _map.MaxSlicesFor(length))];
        var n = _map.Map(torrentOffset, length, slices);
        for (var i = 0; i < n; i++)
            if (!_routes.ToParts(slices[i].FileIndex) && !_torrent.Files[slices[i].FileIndex].IsPadding) return false;
        return true;
    }

    /// <summary>True when at least one file that holds data exists on disk (empty files do not count).</summary>
    public bool AnyFileExists()
    {
        for (var i = 0; i < _fullPaths.Length; i++)
            if (!_torrent.Files[i].IsPadding && _torrent.Files[i].Length > 0 && File.Exists(_fullPaths[i])) return true;
        return _routes.Any && File.Exists(_routes.PartsPath);
    }

    public void Flush()
    {
        lock (_gate)
        {
            foreach (var h in _handles)
                if (h is not null) RandomAccess.FlushToDisk(h);
        }
    }

    public void CloseHandles()
    {
        lock (_gate)
        {
            for (var i = 0; i < _handles.Length; i++)
            {
                _handles[i]?.Dispose();
                _handles[i] = null;
            }
        }
    }

    private void ThrowIfReadOnly()
    {
        if (_readOnly) throw new InvalidOperationException("this storage only reads (TorrentStorage.ForReading)");
    }

    /// <summary>The file's handle, or null when the file does not exist (reads of it give zeros).</summary>
    private SafeFileHandle? ExistingHandle(int file)
    {
        lock (_gate)
        {
            if (_handles[file] is { } h) return h;
            // A reading-only storage serves verified data: a missing file is an error there, not zeros.
            return _readOnly || File.Exists(PathOf(file)) ? Handle(file) : null;
        }
    }

    private SafeFileHandle Handle(int file)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _handles[file] ??= Open(file);
        }
    }

    private string PathOf(int slot) => slot == _parts ? _routes.PartsPath : _fullPaths[slot];

    private SafeFileHandle Open(int file)
    {
        var path = PathOf(file);
        if (_readOnly)
        {
            try { return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete); }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw new DataLostException(file, $"'{path}' is missing", e);
            }
        }
        _safe!.RefuseLinks(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var length = file == _parts ? 0 : _torrent.Files[file].Length;
        var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete,
            FileOptions.None, _preallocate && !File.Exists(path) ? length : 0);
        _safe.VerifyOpened(handle, path);
        return handle;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            CloseHandles();
            _disposed = true;
        }
    }
}
