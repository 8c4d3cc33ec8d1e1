namespace Engine.Core.Pieces;

/// <summary>
/// Per-block state of one started ("active") piece: which blocks arrived and how many peers have each
/// block claimed. Instances are pooled by the picker and reused across pieces.
/// </summary>
internal sealed class PieceProgress
{
    private bool[] _received = new bool[16];
    private int[] _claims = new int[16];
    private long[] _stamps = new long[16];
    private bool[] _cooling = new bool[16];

    public int Piece { get; private set; }
    public int BlockCount { get; private set; }
    public int ReceivedCount { get; private set; }

    /// <summary>Blocks neither received nor claimed by anyone.</summary>
    public int FreeCount { get; private set; }

    /// <summary>Free blocks that a peer was asked to cancel and may still send (<see cref="Cool"/>).</summary>
    public int CoolingCount { get; private set; }

    /// <summary>Free blocks that no peer may still send: handed out before the cooling ones.</summary>
    public int FreeNowCount => FreeCount - CoolingCount;

    /// <summary>Blocks not yet received (free or in transit).</summary>
    public int MissingCount => BlockCount - ReceivedCount;

    public bool Complete => ReceivedCount == BlockCount;

    public void Reset(int piece, int blockCount)
    {
        Piece = piece;
        BlockCount = blockCount;
        if (_received.Length < blockCount)
        {
            _received = new bool[blockCount];
            _claims = new int[blockCount];
            _stamps = new long[blockCount];
            _cooling = new bool[blockCount];
        }
        else
        {
            Array.Clear(_received, 0, blockCount);
            Array.Clear(_claims, 0, blockCount);
            Array.Clear(_stamps, 0, blockCount);
            Array.Clear(_cooling, 0, blockCount);
        }
        ReceivedCount = 0;
        CoolingCount = 0;
        FreeCount = blockCount;
    }

    public bool IsReceived(int block) => _received[block];

    public int Claims(int block) => _claims[block];

    public bool IsFree(int block) => !_received[block] && _claims[block] == 0;

    public bool IsCooling(int block) => _cooling[block];

    /// <summary>
    /// A free block its last claimant was asked to cancel, which it may still send (it was on its way): until it comes
    /// or someone claims it, it is handed out only when nothing else is free. Returns false when it is not free.
    /// </summary>
    public bool Cool(int block)
    {
        if (!IsFree(block) || _cooling[block]) return false;
        _cooling[block] = true;
        CoolingCount++;
        return true;
    }

    private void StopCooling(int block)
    {
        if (!_cooling[block]) return;
        _cooling[block] = false;
        CoolingCount--;
    }

    /// <summary>The picker's claim counter when the block was last claimed (0: never): a later claim sits later in its peer's queue.</summary>
    public long Stamp(int block) => _stamps[block];

    /// <summary>Adds a claimant, stamped with the picker's claim counter; returns true when the block was free before.</summary>
    public bool Claim(int block, long stamp)
    {
        _stamps[block] = stamp;
        StopCooling(block);
        var wasFree = _claims[block]++ == 0 && !_received[block];
        if (wasFree) FreeCount--;
        return wasFree;
    }

    /// <summary>Removes a claimant; returns true when the block became free.</summary>
    public bool Unclaim(int block)
    {
        var nowFree = --_claims[block] == 0 && !_received[block];
        if (nowFree) FreeCount++;
        return nowFree;
    }

    /// <summary>
    /// Marks a needed block received and forgets its claims (the caller removes them from the peers).
    /// Returns true when it was free (unclaimed) before.
    /// </summary>
    public bool MarkReceived(int block)
    {
        var wasFree = _claims[block] == 0;
        if (wasFree) FreeCount--;
        StopCooling(block);
        _claims[block] = 0;
        _received[block] = true;
        ReceivedCount++;
        return wasFree;
    }

    /// <summary>A received block is needed again (it proved wrong): free and unclaimed. Returns false when it was not received.</summary>
    public bool Unreceive(int block)
    {
        if (!_received[block]) return false;
        _received[block] = false;
        ReceivedCount--;
        FreeCount++;
        return true;
    }
}
