namespace Engine.Core.Pieces;

/// <summary>What <see cref="PiecePicker.BlockReceived"/> learned about an arriving block.</summary>
/// <param name="Expected">
/// The block was still needed and is now recorded as received: the caller must store the data.
/// False for duplicates (an endgame loser, a piece we already have or that already completed) and
/// for blocks that do not fit the layout; such data is dropped.
/// </param>
/// <param name="PieceComplete">All blocks of the piece have now arrived: hash it, then call
/// <see cref="PiecePicker.PieceVerified"/> or <see cref="PiecePicker.PieceFailed"/>.</param>
/// <param name="CancelAt">Other peers that had this block claimed (endgame, or a late delivery after a
/// release); their claims are dropped and the caller should send them a cancel.</param>
/// <param name="WasClaimed">The sending peer had this block claimed (we requested it from that peer).</param>
internal readonly record struct BlockResult(bool Expected, bool PieceComplete, IReadOnlyList<int> CancelAt, bool WasClaimed)
{
    internal static readonly BlockResult Unwanted = new(false, false, Array.Empty<int>(), false);
}
