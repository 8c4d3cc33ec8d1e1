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
/// </summary>
internal sealed class BlockSource : IDisposable
{
    private readonly TorrentLayout _layout;
    private readonly TorrentStorage _files;
    private readonly BlockPool _pool;

    public BlockSource(TorrentMetainfo torrent, string saveDirectory, BlockPool pool)
    {
        _layout = torrent.Layout;
        _files = TorrentStorage.ForReading(torrent, saveDirectory);
        _pool = pool;
    }

    /// <summary>
    /// The block read into a pooled buffer (the caller owns it), or null with the reason when the disk failed (a file
    /// removed or unreadable, the handles closed by a stop).
    /// </summary>
    public BlockBuffer? TryRead(BlockRequest block, out string? error)
    {
        var buffer = _pool.Rent(block.Length);
        try
        {
            _files.Read(_layout.PieceOffset(block.Piece) + block.Offset, buffer.Span);
            error = null;
            return buffer;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            buffer.Release();
            error = e.Message;
            return null;
        }
    }

    /// <summary>Closes the handles (a stopped or paused torrent holds no files open); the next read opens them again.</summary>
    public void CloseHandles() => _files.CloseHandles();

    public void Dispose() => _files.Dispose();
}
