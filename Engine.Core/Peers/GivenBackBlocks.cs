using Engine.Core.Primitives;

namespace Engine.Core.Peers;

/// <summary>
/// Blocks we requested from one peer and then gave back to the picker while they may still come: cancelled because
/// the peer held too many (<see cref="Pieces.RequestPipeline.Trim"/>), skipped, taken back for a stream window, or
/// released from a peer gone quiet. A cancel cannot recall a block the peer has already written to its socket, so
/// some arrive anyway; the picker still takes one nobody else has delivered (and cancels it at whoever claimed it
/// since) instead of throwing it away and waiting for the other copy. At most <see cref="Limit"/> are remembered;
/// past that the memory starts over (a block forgotten is only discarded, as before).
/// </summary>
internal sealed class GivenBackBlocks
{
    public const int Limit = 4096;

    private readonly HashSet<BlockRequest> _blocks = new();

    public int Count => _blocks.Count;

    public void Remember(BlockRequest block)
    {
        if (_blocks.Count >= Limit) _blocks.Clear();
        _blocks.Add(block);
    }

    public void Remember(BlockRequest[] blocks)
    {
        foreach (var block in blocks) Remember(block);
    }

    /// <summary>A block arrived that is no longer outstanding: true (and forgotten) when it is one we gave back.</summary>
    public bool Arrived(BlockRequest block) => _blocks.Count > 0 && _blocks.Remove(block);
}
