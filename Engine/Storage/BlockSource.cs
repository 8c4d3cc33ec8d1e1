using Engine.Core.Buffers;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;

namespace Engine.Storage;

/// <summary>
/// Reads blocks for upload, on whichever thread asks: each peer's write loop reads the blocks it is about to send
/// (see <see cref="Peers.PeerOutbound"/>), so a block goes from the page cache to the socket without a hop through an
/// actor. It has read-only handles of its own (<see cref="TorrentStorage.ForReading"/>), apart from the disk
/// worker's, so closing them never races the worker's writes. Positional reads from several threads at once are
/// safe; a read that meets <see cref="CloseHandles"/> fails like any other read.
/// <para>It never serves what we do not have: a file found missing, truncated or changed by someone else fails the read
/// with the pieces of that file as <see cref="LostPieces"/> (the piece manager then takes them back and re-checks them),
/// and until each of them is re-checked (<see cref="Revalidate"/>) no read of it succeeds.</para>
/// </summary>
internal sealed class BlockSource : IDisposable
{
    private readonly TorrentMetainfo _torrent;
    private readonly TorrentLayout _layout;
    private readonly TorrentStorage _files;
    private readonly BlockPool _pool;
    private readonly HashSet<int> _suspect = new(); // pieces of a lost file not re-checked yet; guarded by itself
    private volatile int _suspectCount;

    /// <param name="ownWrites">The disk worker's writes to the same files (a download), which are not someone else's changes.</param>
    public BlockSource(TorrentMetainfo torrent, string saveDirectory, BlockPool pool, OwnWrites? ownWrites = null, FileRoutes? routes = null)
    {
        _torrent = torrent;
        _layout = torrent.Layout;
        _files = TorrentStorage.ForReading(torrent, saveDirectory, ownWrites, routes);
        _pool = pool;
    }

    /// <summary>
    /// The block read into a pooled buffer (the caller owns it), or null with the reason when the disk failed (a file
    /// removed or unreadable, the handles closed by a stop).
    /// </summary>
    public BlockBuffer? TryRead(BlockRequest block, out string? error) => TryRead(block, out error, out _);

    /// <summary>As <see cref="TryRead(BlockRequest, out string?)"/>; <paramref name="lost"/>: the pieces found lost, if that was the cause.</summary>
    public BlockBuffer? TryRead(BlockRequest block, out string? error, out LostPieces lost)
    {
        lost = LostPieces.None;
        if (_suspectCount > 0 && IsSuspect(block.Piece))
        {
            error = $"piece {block.Piece} is being checked again (its file changed on disk)";
            lost = new LostPieces(block.Piece, block.Piece);
            return null;
        }
        var buffer = _pool.Rent(block.Length);
        try
        {
            _files.Read(_layout.PieceOffset(block.Piece) + block.Offset, buffer.Span);
            error = null;
            return buffer;
        }
        catch (DataLostException e)
        {
            buffer.Release();
            error = e.Message;
            lost = PiecesOf(e.File);
            MarkSuspect(lost);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            buffer.Release();
            error = e.Message;
            return null;
        }
    }

    /// <summary>The piece was checked again and passed: it may be served again.</summary>
    public void Revalidate(int piece)
    {
        if (_suspectCount == 0) return;
        lock (_suspect)
        {
            if (_suspect.Remove(piece)) _suspectCount = _suspect.Count;
        }
    }

    private bool IsSuspect(int piece)
    {
        lock (_suspect) return _suspect.Contains(piece);
    }

    private void MarkSuspect(LostPieces lost)
    {
        lock (_suspect)
        {
            for (var p = lost.First; p <= lost.Last; p++) _suspect.Add(p);
            _suspectCount = _suspect.Count;
        }
    }

    /// <summary>The pieces that hold bytes of torrent file <paramref name="file"/>.</summary>
    private LostPieces PiecesOf(int file)
    {
        var f = _torrent.Files[file];
        if (f.Length == 0) return LostPieces.None;
        return new LostPieces((int)(f.Offset / _layout.PieceLength), (int)((f.Offset + f.Length - 1) / _layout.PieceLength));
    }

    /// <summary>Closes the handles (a stopped or paused torrent holds no files open); the next read opens them again.</summary>
    public void CloseHandles() => _files.CloseHandles();

    public void Dispose() => _files.Dispose();
}
