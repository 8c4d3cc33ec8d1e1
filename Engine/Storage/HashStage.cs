using System.Collections.Concurrent;
using System.Threading.Channels;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;
using Engine.Core.Storage;

namespace Engine.Storage;

/// <summary>
/// The hashing thread behind a torrent's disk worker: the worker hands it each round of written blocks
/// (<see cref="Post"/>) and each verification (<see cref="Verify"/>) in queue order; this stage feeds the blocks
/// to the <see cref="InOrderPieceHasher"/> (so SHA-1 runs in parallel with the next writes), releases their
/// buffers and disk credits, and answers verifications of pieces hashed as written. A piece that must be read
/// back whole goes to <c>readBack</c> — every piece of a v2-only torrent does (merkle trees, not SHA-1 as written).
/// Never runs on an actor thread.
/// </summary>
internal sealed class HashStage
{
    /// <summary>Most bytes of a piece this stage reads back itself to finish its hash; beyond, the whole piece is read back elsewhere.</summary>
    public const int MaxTailReadBack = 256 * 1024;

    private sealed record VerifyItem(int Piece, Action<int, PieceVerdict, int> Reply);
    private sealed record Barrier(TaskCompletionSource Done);

    private readonly TorrentMetainfo _torrent;
    private readonly TorrentLayout _layout;
    private readonly TorrentStorage _storage;
    private readonly Func<bool> _failed;
    private readonly Action<string> _fail;
    private readonly Action<int, Action<int, PieceVerdict, int>> _readBack;
    private readonly InOrderPieceHasher _hasher;
    private readonly bool _merkle; // a v2-only torrent: pieces are checked by merkle trees on a read-back, not by SHA-1 as written
    private readonly Channel<object> _queue = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly ConcurrentStack<PendingWrites> _spare = new(); // a stack: no 32-slot segment per idle torrent, as a queue has
    private readonly Task _loop;

    public HashStage(TorrentMetainfo torrent, TorrentStorage storage, Func<bool> failed,
        Action<string> fail, Action<int, Action<int, PieceVerdict, int>> readBack)
    {
        _torrent = torrent;
        _layout = torrent.Layout;
        _storage = storage;
        _failed = failed;
        _fail = fail;
        _readBack = readBack;
        _hasher = new InOrderPieceHasher(_layout, storage.Read);
        _merkle = torrent.Merkle is not null;
        _loop = Task.Factory.StartNew(Loop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>A batch to fill (recycled once this stage has released the previous ones).</summary>
    public PendingWrites RentBatch() => _spare.TryPop(out var b) ? b : new PendingWrites(_layout, _storage);

    /// <summary>Hashes the written batch, then releases its buffers and credits.</summary>
    public void Post(PendingWrites written)
    {
        if (!_queue.Writer.TryWrite(written)) written.Release();
    }

    /// <summary>Verifies <paramref name="piece"/> once every batch posted before has been hashed; <paramref name="reply"/> gets (piece, verdict, bytes read back).</summary>
    public void Verify(int piece, Action<int, PieceVerdict, int> reply)
    {
        if (!_queue.Writer.TryWrite(new VerifyItem(piece, reply))) reply(piece, PieceVerdict.NotChecked, 0);
    }

    /// <summary>Completes when everything posted before has been handled (e.g. before file handles are closed).</summary>
    public Task DrainAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Barrier(done))) done.TrySetResult();
        return done.Task;
    }

    /// <summary>Stops the stage; whatever is still queued is released. Completes when the loop has ended.</summary>
    public Task StopAsync()
    {
        _queue.Writer.TryComplete();
        return _loop;
    }

    private async Task Loop()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
                    try { Handle(item); }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException) { _fail(e.Message); }
                    catch (ObjectDisposedException) { /* the storage closed under us: stopping */ }
                }
            }
        }
        finally
        {
            while (reader.TryRead(out var item))
            {
                if (item is PendingWrites w) w.Release();
                else if (item is Barrier b) b.Done.TrySetResult();
            }
            _hasher.Dispose();
        }
    }

    private void Handle(object item)
    {
        switch (item)
        {
            case PendingWrites written:
                if (_failed() || _merkle) written.Release();
                else written.HashAndRelease(_hasher);
                _spare.Push(written);
                break;
            case VerifyItem v:
                Span<byte> digest = stackalloc byte[20];
                if (_failed())
                    v.Reply(v.Piece, PieceVerdict.NotChecked, 0); // a write may have been lost: nobody's data is to blame
                else if (!_merkle && _hasher.TryFinish(v.Piece, digest, MaxTailReadBack, out var readBack))
                    v.Reply(v.Piece, digest.SequenceEqual(_torrent.GetPieceHash(v.Piece)) ? PieceVerdict.Passed : PieceVerdict.Failed, readBack);
                else
                    _readBack(v.Piece, v.Reply);
                break;
            case Barrier b:
                b.Done.TrySetResult();
                break;
        }
    }
}
