using System.Buffers;
using System.Security.Cryptography;
using Akka.Actor;
using Engine.Actors;
using Engine.Buffers;
using Engine.Core.Buffers;
using Engine.Core.Merkle;
using Engine.Core.Metainfo;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Core.Storage;
using Engine.Events;

namespace Engine.Storage;

/// <summary>
/// Owns one torrent's files. The actor itself never touches the disk: every operation goes, in order,
/// into a queue served by one disk worker task (<see cref="DiskQueue"/>, into which the piece manager also puts the
/// received blocks itself). Results are told back to whoever asked. Because the queue
/// is FIFO, a <see cref="VerifyPiece"/> sent after a piece's last <see cref="WriteBlock"/> sees all its data.
/// The worker writes received blocks in sorted rounds and hands each round to its <see cref="HashStage"/>, which
/// hashes every block that continues its piece's hashed prefix (<see cref="InOrderPieceHasher"/>) while the
/// worker goes on writing, then releases buffers and credits; verifications go through the same stage in order,
/// so a piece received (nearly) in order is verified without reading it back. A piece that cannot be finished
/// that way is read back and hashed on the thread pool (at most one piece per core).
/// </summary>
internal sealed partial class StorageActor : UntypedActor
{
    // ---- messages this actor receives -------------------------------------------------------
    /// <summary>Write a received block; its buffer is released (and the sender's credit returned) after the write.</summary>
    public sealed record WriteBlock(BlockRequest Block, BlockBuffer Data, DiskCredit? Credit);
    /// <summary>Write several received blocks (<c>Blocks[i]</c> holds <c>Data[i]</c>); one credit per block is returned after the writes.</summary>
    public sealed record WriteBlocks(BlockRequest[] Blocks, BlockBuffer[] Data, DiskCredit? Credit);
    /// <summary>
    /// Read back and SHA-1 a piece; replies <see cref="PieceChecked"/>. <see cref="WantDigests"/>: the piece failed before,
    /// so the reply carries its blocks' digests even when it passes (smart ban compares them with the failed copies).
    /// </summary>
    public sealed record VerifyPiece(int Piece)
    {
        public bool WantDigests { get; init; }
    }
    /// <summary>
    /// Close every file handle once the operations before it are done; the next operation opens the files afresh (a file
    /// removed or replaced under us is then seen as it is now, not through a handle to the old one). No reply.
    /// </summary>
    public sealed record ReopenFiles;
    /// <summary>Load fast-resume state or hash-check existing data; replies <see cref="CheckCompleted"/> (and <see cref="CheckProgress"/> on the way).</summary>
    public sealed record CheckExisting;
    /// <summary>Persist which pieces are verified (written atomically; a later one supersedes).</summary>
    public sealed record SaveResume(byte[] VerifiedBits)
    {
        /// <summary>A v2-only torrent's pieces downloaded but held for their piece layer (wire bits); null: none.</summary>
        public byte[]? HeldBits { get; init; }
    }
    /// <summary>Flush, write resume state, close every handle; replies <see cref="Closed"/>.</summary>
    public sealed record Close(byte[]? VerifiedBits)
    {
        /// <summary>As <see cref="SaveResume.HeldBits"/>.</summary>
        public byte[]? HeldBits { get; init; }
    }

    // ---- replies ------------------------------------------------------------------------------
    /// <summary>
    /// The verdict on a piece. <see cref="BytesReadBack"/>: how many of its bytes were read back from disk to
    /// hash it (0 when every block was hashed as it was written, the piece size when it was read back whole).
    /// <see cref="NotChecked"/>: the data could not be checked (the disk failed; Ok is false, and no peer is to blame).
    /// <see cref="BlockDigests"/>: one <see cref="BlockDigest"/> per block as written, for a failed piece and for one
    /// whose digests were asked for; null otherwise or when it could not be read.
    /// </summary>
    public sealed record PieceChecked(int Piece, bool Ok)
    {
        public int BytesReadBack { get; init; }
        public bool NotChecked { get; init; }
        public UInt128[]? BlockDigests { get; init; }
    }
    public sealed record CheckProgress(int Checked, int Total);
    public sealed record CheckCompleted(Bitfield Verified, StartupSource Source)
    {
        /// <summary>Pieces on disk held for a piece layer still unknown (from the resume record); null: none.</summary>
        public Bitfield? Held { get; init; }
    }
    public sealed record Closed;
    /// <summary>Told to the parent (the torrent) when the disk fails, e.g. the disk is full.</summary>
    public sealed record StorageFailed(string Reason);

    private abstract record Op(IActorRef ReplyTo);
    private sealed record VerifyOp(IActorRef ReplyTo, int Piece, bool WantDigests) : Op(ReplyTo);
    private sealed record CheckOp(IActorRef ReplyTo) : Op(ReplyTo);
    private sealed record SaveOp(IActorRef ReplyTo, byte[] Bits, byte[]? Held) : Op(ReplyTo);
    private sealed record CloseOp(IActorRef ReplyTo, byte[]? Bits, byte[]? Held) : Op(ReplyTo);
    private sealed record ReopenOp(IActorRef ReplyTo) : Op(ReplyTo);
    private sealed record RerouteOp(IActorRef ReplyTo, bool[] Skipped) : Op(ReplyTo);

    private readonly TorrentMetainfo _torrent;
    private readonly TorrentStorage _storage;
    private readonly string _resumePath;
    // Ops, and the write messages themselves (WriteBlock, WriteBlocks: no reply, no wrapper), which the piece manager may
    // also queue directly (DiskQueue).
    private readonly DiskQueue _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _hashSlots = new(Environment.ProcessorCount);
    private readonly HashStage _hashing;
    private IActorRef _parent = ActorRefs.Nobody;
    private volatile bool _failed;
    private volatile bool _closed; // set on the worker's loop; read there and by layer rebuilds (StorageActor.Layers.cs)

    public StorageActor(TorrentMetainfo torrent, string saveDirectory, string resumePath, bool preallocate, OwnWrites? ownWrites = null, FileRoutes? routes = null,
        DiskQueue? queue = null)
    {
        _queue = queue ?? new DiskQueue();
        _torrent = torrent;
        _storage = new TorrentStorage(torrent, saveDirectory, preallocate, ownWrites, routes);
        _resumePath = resumePath;
        _hashing = new HashStage(torrent, _storage, () => _failed, reason => Fail(null, reason), VerifyByReadBack);
        _pending = _hashing.RentBatch();
    }

    // A switch over the message, not ReceiveActor's handlers (docs/decisions.md, "Hot actors match with a switch"): it
    // was on every written block's path; a torrent's piece manager now puts them in the DiskQueue itself.
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case WriteBlock or WriteBlocks: _queue.TryWrite(message); break;
            case VerifyPiece m: Enqueue(new VerifyOp(Sender, m.Piece, m.WantDigests)); break;
            case CheckExisting: Enqueue(new CheckOp(Sender)); break;
            case SaveResume m: Enqueue(new SaveOp(Sender, m.VerifiedBits, m.HeldBits)); break;
            case Close m: Enqueue(new CloseOp(Sender, m.VerifiedBits, m.HeldBits)); break;
            case ReopenFiles: Enqueue(new ReopenOp(Sender)); break;
            case RebuildLayer m: Enqueue(new RebuildOp(Sender, m.File)); break;
            default: Unhandled(message); break;
        }
    }

    /// <param name="ownWrites">Counts the writes per file, for the torrent's upload reads to tell ours from someone else's (see <see cref="ChangeGuard"/>).</param>
    /// <param name="routes">Skipped files routed to the parts file, shared with the upload reads.</param>
    /// <param name="queue">The disk worker's queue, shared with the piece manager that writes received blocks into it; null: its own.</param>
    public static Props Props(TorrentMetainfo torrent, string saveDirectory, string resumePath, bool preallocate = false, OwnWrites? ownWrites = null,
        FileRoutes? routes = null, DiskQueue? queue = null)
        => ActorProps.Of(() => new StorageActor(torrent, saveDirectory, resumePath, preallocate, ownWrites, routes, queue));

    protected override void PreStart()
    {
        _parent = Context.Parent;
        var self = Self;
        _ = Task.Run(() => WorkerLoop(self));
    }

    protected override void PostStop()
    {
        _queue.Complete();
        _stop.Cancel();
    }

    private void Enqueue(Op op) => _queue.TryPost(op);

    /// <summary>
    /// Queues which files are skipped now (those not on disk go to the parts file, <see cref="TorrentStorage.Reroute"/>)
    /// straight into the torrent's disk queue, as the piece manager queues received blocks, so it keeps its order with
    /// the writes. A message to this actor could reach the queue after blocks that must already follow it (a skipped
    /// file's first block written to the file instead of the parts file).
    /// </summary>
    internal static void QueueReroute(DiskQueue queue, bool[] skipped) => queue.TryPost(new RerouteOp(ActorRefs.Nobody, skipped));

    private async Task WorkerLoop(IActorRef self)
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var op))
                {
                    try
                    {
                        if (op is Op o) await Execute(o).ConfigureAwait(false);
                        else WritePending(op);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        Fail(op as Op, e.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException) { }
        finally
        {
            // Whatever is still queued owns buffers and credits: give them back.
            _pending.Release();
            while (reader.TryRead(out var op))
            {
                if (op is WriteBlock w) _pending.Add(w);
                else if (op is WriteBlocks ws) _pending.Add(ws);
            }
            _pending.Release();
            await _hashing.StopAsync().ConfigureAwait(false);
            _storage.Dispose();
        }
    }

    private async Task Execute(Op op)
    {
        switch (op)
        {
            case VerifyOp v:
                var replyTo = v.ReplyTo;
                var wantDigests = v.WantDigests;
                // The reply runs on the hashing thread before anything queued behind the verification: no block of this
                // piece can have been written again yet (the piece manager hands its blocks out only after the verdict).
                _hashing.Verify(v.Piece, (piece, verdict, readBack) => replyTo.Tell(new PieceChecked(piece, verdict == PieceVerdict.Passed)
                {
                    BytesReadBack = readBack,
                    NotChecked = verdict == PieceVerdict.NotChecked,
                    BlockDigests = verdict == PieceVerdict.Failed || verdict == PieceVerdict.Passed && wantDigests ? ReadDigests(piece) : null,
                }));
                break;
            case CheckOp c:
                c.ReplyTo.Tell(await Check(c.ReplyTo).ConfigureAwait(false));
                break;
            case SaveOp s:
                WriteResume(s.Bits, s.Held);
                break;
            case ReopenOp:
                await _hashing.DrainAsync().ConfigureAwait(false); // its reads must not meet closed handles
                _storage.CloseHandles();
                break;
            case RebuildOp b:
                Rebuild(b);
                break;
            case RerouteOp r:
                await _hashing.DrainAsync().ConfigureAwait(false); // pieces hashed from disk read where their bytes were written
                _storage.Reroute(r.Skipped);
                break;
            case CloseOp c:
                try
                {
                    await _hashing.DrainAsync().ConfigureAwait(false); // its reads must not meet closed handles
                    if (c.Bits is not null && !_failed) WriteResume(c.Bits, c.Held);
                    _storage.CloseHandles();
                    _closed = true;
                }
                finally { c.ReplyTo.Tell(new Closed()); }
                break;
        }
    }

    /// <summary>
    /// Writes the received blocks queued from <paramref name="first"/> on, up to the next other operation (so a
    /// verification still sees every write before it): sorted by offset, one vectored write per run of
    /// contiguous blocks and file; the hashing stage then hashes them and releases buffers and credits.
    /// </summary>
    private void WritePending(object first)
    {
        AddPending(first);
        var reader = _queue.Reader;
        while (_pending.Count < MaxGatherBlocks && reader.TryPeek(out var next) && next is WriteBlock or WriteBlocks)
        {
            reader.TryRead(out _);
            AddPending(next);
        }
        var written = _pending;
        _pending = _hashing.RentBatch();
        if (_failed || _closed)
        {
            // After a failure, or after the close that wrote the resume record: a write now would reopen a file and
            // change its mtime, and the record (which checks every file's stamp) would no longer be trusted on the next
            // start — the whole torrent hash-checked again. These blocks are unverified; they are fetched again.
            written.Release();
            return;
        }
        try
        {
            written.Write();
        }
        catch
        {
            written.Release();
            throw;
        }
        _hashing.Post(written); // hashed on the hashing thread, which then releases buffers and credits
    }

    private void AddPending(object write)
    {
        if (write is WriteBlock w) _pending.Add(w);
        else _pending.Add((WriteBlocks)write);
    }

    /// <summary>Most blocks taken off the queue for one round of writes (4 MiB).</summary>
    private const int MaxGatherBlocks = 256;
    private PendingWrites _pending;

    private void Fail(Op? op, string reason)
    {
        _failed = true;
        _parent.Tell(new StorageFailed(reason));
        if (op is CloseOp c) c.ReplyTo.Tell(new Closed());
    }

    /// <summary>Reads a piece back and hashes it on the thread pool (at most one piece per core); for pieces not hashed as written.</summary>
    private void VerifyByReadBack(int piece, Action<int, PieceVerdict, int> reply)
    {
        _ = Task.Run(async () =>
        {
            await _hashSlots.WaitAsync().ConfigureAwait(false);
            try
            {
                var verdict = _failed ? PieceVerdict.NotChecked : HashMatches(piece) ? PieceVerdict.Passed : PieceVerdict.Failed;
                reply(piece, verdict, verdict == PieceVerdict.NotChecked ? 0 : _torrent.Layout.PieceSize(piece));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Fail(null, e.Message);
                reply(piece, PieceVerdict.NotChecked, 0);
            }
            catch (ObjectDisposedException) { /* stopping */ }
            finally { _hashSlots.Release(); }
        });
    }

    /// <summary>
    /// The <see cref="BlockDigest"/> of each block of the piece as it is on disk; null when it cannot be read. For a torrent
    /// with a v2 part only the block's file bytes are digested, not the padding after them, as a BEP 52 leaf hashes them
    /// (so a failed piece's blocks can be compared with its leaves, <c>BadBlocks</c>).
    /// </summary>
    private UInt128[]? ReadDigests(int piece)
    {
        var layout = _torrent.Layout;
        var blocks = layout.BlockCount(piece);
        var data = _torrent.HashSource?.DataLength(piece) ?? layout.PieceSize(piece);
        var digests = new UInt128[blocks];
        var buffer = ArrayPool<byte>.Shared.Rent(TorrentLayout.BlockSize);
        try
        {
            for (var b = 0; b < blocks; b++)
            {
                var block = layout.Block(piece, b);
                var span = buffer.AsSpan(0, Math.Clamp(data - block.Offset, 0, block.Length));
                if (!span.IsEmpty) _storage.Read(layout.PieceOffset(piece) + block.Offset, span);
                digests[b] = BlockDigest.Of(span);
            }
            return digests;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException) { return null; }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    private bool HashMatches(int piece)
    {
        if (_torrent.Merkle is { } merkle) return MerkleMatches(merkle, piece);
        var size = _torrent.Layout.PieceSize(piece);
        var offset = _torrent.Layout.PieceOffset(piece);
        var chunk = ArrayPool<byte>.Shared.Rent(Math.Min(size, 1 << 20));
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
            for (var done = 0; done < size;)
            {
                var n = Math.Min(chunk.Length, size - done);
                _storage.Read(offset + done, chunk.AsSpan(0, n));
                sha.AppendData(chunk, 0, n);
                done += n;
            }
            Span<byte> digest = stackalloc byte[20];
            sha.GetHashAndReset(digest);
            return digest.SequenceEqual(_torrent.GetPieceHash(piece));
        }
        finally { ArrayPool<byte>.Shared.Return(chunk); }
    }

    private const int MerkleChunk = 1 << 20; // read a v2 piece 1 MiB at a time: a multiple of the 16 KiB leaf

    /// <summary>BEP 52: the piece's file bytes (not the padding after them) hashed into 16 KiB leaves, checked against its merkle hash.</summary>
    private bool MerkleMatches(MerklePieces merkle, int piece)
    {
        if (!merkle.HasHash(piece)) return false;
        var leaves = ArrayPool<byte>.Shared.Rent(MerkleTree.Blocks(merkle.DataLength(piece)) * MerkleTree.HashLength);
        try
        {
            return merkle.VerifyLeaves(piece, leaves.AsSpan(0, ReadLeaves(merkle, piece, leaves)));
        }
        finally { ArrayPool<byte>.Shared.Return(leaves); }
    }

    /// <summary>Reads the piece's file bytes (not the padding after them) and writes their 16 KiB leaves to <paramref name="leaves"/>; returns the bytes of leaves written.</summary>
    private int ReadLeaves(MerklePieces merkle, int piece, Span<byte> leaves)
    {
        var size = merkle.DataLength(piece);
        var offset = _torrent.Layout.PieceOffset(piece);
        var chunk = ArrayPool<byte>.Shared.Rent(Math.Min(size, MerkleChunk));
        try
        {
            for (var done = 0; done < size;)
            {
                var n = Math.Min(MerkleChunk, size - done);
                _storage.Read(offset + done, chunk.AsSpan(0, n));
                MerkleTree.HashLeaves(chunk.AsSpan(0, n), leaves[(done / MerkleTree.BlockSize * MerkleTree.HashLength)..]);
                done += n;
            }
            return MerkleTree.Blocks(size) * MerkleTree.HashLength;
        }
        finally { ArrayPool<byte>.Shared.Return(chunk); }
    }

    private async Task<CheckCompleted> Check(IActorRef replyTo)
    {
        var layout = _torrent.Layout;
        var verified = new Bitfield(layout.PieceCount);
        _storage.CreateEmptyFiles();
        var stamps = _storage.FileStamps();
        var resume = TryLoadResume();
        RestoreLayers(resume);
        if (resume is not null && resume.Matches(_torrent.InfoHash, layout.PieceCount, stamps))
        {
            var fromResume = Bitfield.FromWire(resume.Verified, layout.PieceCount);
            return new CheckCompleted(fromResume, StartupSource.ResumeRecord) { Held = StillHeld(resume, fromResume) };
        }
        if (!_storage.AnyFileExists())
            return new CheckCompleted(verified, StartupSource.NoData);

        var checkedCount = 0;
        var gate = new object();
        await Parallel.ForEachAsync(Enumerable.Range(0, layout.PieceCount),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = _stop.Token },
            (piece, _) =>
            {
                var ok = !_storage.OnlyInParts(layout.PieceOffset(piece), layout.PieceSize(piece)) && HashMatches(piece);
                lock (gate)
                {
                    if (ok) verified[piece] = true;
                    checkedCount++;
                    if (checkedCount % 64 == 0) replyTo.Tell(new CheckProgress(checkedCount, layout.PieceCount));
                }
                return ValueTask.CompletedTask;
            }).ConfigureAwait(false);
        return new CheckCompleted(verified, StartupSource.HashCheck);
    }

    private ResumeState? TryLoadResume()
    {
        try
        {
            return File.Exists(_resumePath) ? ResumeState.TryDecode(File.ReadAllBytes(_resumePath)) : null;
        }
        catch (IOException) { return null; }
    }

    /// <summary>
    /// Writes the resume record atomically. No fsync: the record is trusted only while every file's size and
    /// modification time still match, so data written after it (or lost with it) forces a hash check.
    /// </summary>
    private void WriteResume(byte[] bits, byte[]? held)
    {
        var state = new ResumeState(_torrent.InfoHash, _torrent.Layout.PieceCount, bits, _storage.FileStamps())
        {
            Held = held ?? [],
            Layers = LearntLayers(),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(_resumePath)!);
        var tmp = _resumePath + ".tmp";
        File.WriteAllBytes(tmp, state.Encode());
        File.Move(tmp, _resumePath, overwrite: true);
    }
}
