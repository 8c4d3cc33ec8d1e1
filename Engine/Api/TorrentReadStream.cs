using Engine.Core.Metainfo;
using Engine.Core.Pieces;
using Microsoft.Win32.SafeHandles;

namespace Engine.Api;

/// <summary>
/// A read-only, seekable stream over one file of a torrent while it downloads (<see cref="TorrentHandle.OpenReadStream"/>):
/// a read waits (asynchronously) until the piece holding its first byte is verified, and returns at most up to that
/// piece's end. Each read moves the torrent's streaming window to the piece it reads, so the next pieces come first; the
/// file's first and last pieces come before any window from the moment the stream opens (<see cref="StreamEdges"/>: a
/// player reads the container's index, often at the end, before it plays).
/// </summary>
internal sealed class TorrentReadStream : Stream
{
    /// <summary>How many pieces from the reading position come first: about 4 MiB, at least 4 pieces.</summary>
    private readonly int _windowPieces;
    private readonly TorrentHandle _handle;
    private readonly TorrentMetainfo _torrent;
    private readonly TorrentFile _file;
    private readonly int _fileIndex;
    private readonly string _path;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SafeFileHandle? _data;
    private PieceMap? _known;
    private int _windowAt = -1;
    private static int s_readers;
    private readonly int _reader = Interlocked.Increment(ref s_readers); // this stream's window among the torrent's readers
    private readonly bool _edges; // the file's ends were asked for (cleared on dispose)
    private bool _wanted, _disposed;
    private long _position;

    public TorrentReadStream(TorrentHandle handle, TorrentMetainfo torrent, int fileIndex)
    {
        _handle = handle;
        _torrent = torrent;
        _fileIndex = fileIndex;
        _file = torrent.Files[fileIndex];
        _path = Path.Combine(handle.SaveDirectory, _file.Path.Replace('/', Path.DirectorySeparatorChar));
        _windowPieces = Math.Max(4, (int)Math.Min(64, (4L << 20) / Math.Max(1, torrent.PieceLength)));
        var edges = StreamEdges.Of(torrent.Layout, _file.Offset, _file.Length);
        _edges = edges.Length > 0;
        if (_edges) handle.SetStreamEdges(_reader, edges);
    }

    public override bool CanRead => !_disposed;
    public override bool CanSeek => !_disposed;
    public override bool CanWrite => false;
    public override long Length => _file.Length;

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        SeekOrigin.End => _file.Length + offset,
        _ => throw new ArgumentOutOfRangeException(nameof(origin)),
    };

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty || _position >= _file.Length) return 0;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_wanted)
            {
                // A skipped file is wanted once read.
                if (_handle.FilePriorities(_torrent.Files.Count)[_fileIndex] == FilePriority.Skip)
                    await _handle.SetFilePriorityAsync(_fileIndex, FilePriority.Normal).ConfigureAwait(false);
                _wanted = true;
            }
            var position = _position;
            var at = _file.Offset + position;
            var piece = (int)(at / _torrent.PieceLength);
            if (piece != _windowAt)
            {
                _handle.SetStreamWindow(_reader, piece, _windowPieces);
                _windowAt = piece;
            }
            await WaitVerifiedAsync(piece, cancellationToken).ConfigureAwait(false);
            var pieceEnd = _torrent.Layout.PieceOffset(piece) + _torrent.Layout.PieceSize(piece);
            var n = (int)Math.Min(buffer.Length, Math.Min(pieceEnd - at, _file.Length - position));
            _data ??= File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
            var read = await RandomAccess.ReadAsync(_data, buffer[..n], position, cancellationToken).ConfigureAwait(false);
            _position = position + read;
            return read;
        }
        finally { _gate.Release(); }
    }

    private async Task WaitVerifiedAsync(int piece, CancellationToken cancellationToken)
    {
        while (_known is null || !_known.IsVerified(piece))
        {
            if (_known is not null) await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            _known = await _handle.GetPieceMapAsync().ConfigureAwait(false);
        }
    }

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException("the stream is read-only");
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("the stream is read-only");

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _data?.Dispose();
            if (_windowAt >= 0 && !_handle.IsRemoved) _handle.SetStreamWindow(_reader, 0, 0);
            if (_edges && !_handle.IsRemoved) _handle.SetStreamEdges(_reader, []);
        }
        base.Dispose(disposing);
    }
}
