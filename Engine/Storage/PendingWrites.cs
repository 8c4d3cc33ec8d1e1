using Engine.Buffers;
using Engine.Core.Buffers;
using Engine.Core.Primitives;
using Engine.Core.Storage;

namespace Engine.Storage;

/// <summary>
/// The received blocks the disk worker has taken off its queue for one round of writing. <see cref="Write"/>
/// sorts them by torrent offset (a peer's blocks arrive nearly in order; several peers interleave) and writes
/// each run of blocks that continue each other with one vectored write per file; <see cref="HashAndRelease"/>
/// then feeds them to the <see cref="InOrderPieceHasher"/> in offset order and releases every buffer and disk
/// credit. Owned by one thread at a time (the disk worker, then the hashing stage); not thread-safe.
/// </summary>
internal sealed class PendingWrites
{
    private struct Entry
    {
        public long Offset;
        public BlockRequest Block;
        public BlockBuffer Data;
    }

    /// <summary>Most blocks written in one vectored call.</summary>
    public const int MaxRunBlocks = 64;

    private readonly TorrentLayout _layout;
    private readonly TorrentStorage _storage;
    private Entry[] _entries = []; // grown on the first write: a seeding torrent never needs it
    private readonly List<(DiskCredit Credit, int Count)> _credits = new();
    private readonly List<ReadOnlyMemory<byte>> _run = new();

    public PendingWrites(TorrentLayout layout, TorrentStorage storage)
    {
        _layout = layout;
        _storage = storage;
    }

    /// <summary>Blocks waiting.</summary>
    public int Count { get; private set; }

    public void Add(StorageActor.WriteBlock w)
    {
        Add(w.Block, w.Data);
        if (w.Credit is not null) AddCredit(w.Credit, 1);
    }

    public void Add(StorageActor.WriteBlocks w)
    {
        for (var i = 0; i < w.Blocks.Length; i++) Add(w.Blocks[i], w.Data[i]);
        if (w.Credit is not null) AddCredit(w.Credit, w.Blocks.Length);
    }

    /// <summary>Sorts the blocks by offset and writes them (throws on a disk error; the caller then releases them).</summary>
    public void Write()
    {
        SortByOffset();
        for (var start = 0; start < Count;)
        {
            var end = start + 1;
            var next = _entries[start].Offset + _entries[start].Data.Length;
            while (end < Count && end - start < MaxRunBlocks && _entries[end].Offset == next)
            {
                next += _entries[end].Data.Length;
                end++;
            }
            WriteRun(start, end, (int)(next - _entries[start].Offset));
            start = end;
        }
    }

    /// <summary>Feeds the written blocks to <paramref name="hasher"/> in offset order, then releases them all.</summary>
    public void HashAndRelease(InOrderPieceHasher hasher)
    {
        try
        {
            for (var i = 0; i < Count; i++)
            {
                ref var e = ref _entries[i];
                hasher.Written(e.Block.Piece, e.Block.Offset, e.Data.Span);
            }
        }
        finally
        {
            Release();
        }
    }

    /// <summary>Gives back every buffer and credit without writing (the worker is stopping).</summary>
    public void Release()
    {
        for (var i = 0; i < Count; i++)
        {
            _entries[i].Data.Release();
            _entries[i] = default;
        }
        Count = 0;
        foreach (var (credit, n) in _credits) credit.Release(n);
        _credits.Clear();
        _run.Clear();
    }

    private void Add(BlockRequest block, BlockBuffer data)
    {
        if (Count == _entries.Length) Array.Resize(ref _entries, Math.Max(64, Count * 2));
        _entries[Count++] = new Entry { Offset = _layout.PieceOffset(block.Piece) + block.Offset, Block = block, Data = data };
    }

    private void AddCredit(DiskCredit credit, int n)
    {
        // Blocks of one read share a credit: merge with the last entry when it is the same semaphore.
        if (_credits.Count > 0 && ReferenceEquals(_credits[^1].Credit, credit))
            _credits[^1] = (credit, _credits[^1].Count + n);
        else
            _credits.Add((credit, n));
    }

    private void WriteRun(int start, int end, int length)
    {
        if (end - start == 1)
        {
            _storage.WriteAt(_entries[start].Offset, _entries[start].Data.Span);
            return;
        }
        _run.Clear();
        for (var i = start; i < end; i++) _run.Add(_entries[i].Data.Memory);
        _storage.WriteAt(_entries[start].Offset, _run, length);
        _run.Clear();
    }

    /// <summary>Insertion sort (stable): the entries are nearly sorted already.</summary>
    private void SortByOffset()
    {
        for (var i = 1; i < Count; i++)
        {
            if (_entries[i].Offset >= _entries[i - 1].Offset) continue;
            var e = _entries[i];
            var j = i - 1;
            while (j >= 0 && _entries[j].Offset > e.Offset)
            {
                _entries[j + 1] = _entries[j];
                j--;
            }
            _entries[j + 1] = e;
        }
    }
}
