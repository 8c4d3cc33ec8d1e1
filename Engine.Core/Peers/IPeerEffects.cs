using Engine.Core.Merkle;
using Engine.Core.Extensions;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Core.Wire;

namespace Engine.Core.Peers;

/// <summary>
/// What a <see cref="PeerSession"/> asks its shell to do, in the order it asks. The actor shell carries each out
/// (a message to the peer's write loop, the piece manager or the peer manager); tests record them.
/// </summary>
internal interface IPeerEffects : IExtensionEffects
{
    /// <summary>Sends several messages to the peer, in order, as one hand-off (e.g. the requests for a batch of blocks).</summary>
    void Send(PeerMessage[] messages);

    /// <summary>Reads these blocks and sends them as pieces, in order, after everything asked before.</summary>
    void Upload(BlockRequest[] blocks);

    /// <summary>Asks the piece manager for up to <paramref name="count"/> blocks to request from this peer.</summary>
    void AskForBlocks(int count);

    /// <summary>The peer's pace changed (its rate sample, or unknown after a second without blocks while requests wait): for the piece manager's endgame.</summary>
    void PaceChanged(PeerPace pace);

    /// <summary>
    /// Gives blocks back to the piece manager: they will not come from this peer, or, when <paramref name="cancelled"/>,
    /// we sent cancels for them and the peer may still send those it had on their way (given in the order requested).
    /// </summary>
    void ReleaseBlocks(BlockRequest[] blocks, bool cancelled);

    /// <summary>
    /// A requested block arrived: its buffer and disk credit go on to the piece manager, with an ask for up to
    /// <paramref name="askFor"/> more blocks (0: none; as <see cref="AskForBlocks"/>, in the same hand-off).
    /// </summary>
    void Deliver(PieceMessage block, int askFor);

    /// <summary>Requested blocks that arrived in one read, in order: one hand-off for all, and for the ask for <paramref name="askFor"/> more (0: none).</summary>
    void Deliver(PieceMessage[] blocks, int askFor);

    /// <summary>A block nobody wants (not requested, or arriving after the end): its buffer and disk credit are released.</summary>
    void Discard(PieceMessage block);

    /// <summary>The peer has this piece now.</summary>
    void PeerHas(int piece);

    /// <summary>The peer has these pieces (a bitfield, merged with what it had announced before).</summary>
    void PeerHas(Bitfield pieces);

    /// <summary>A <c>hashes</c> or <c>hash reject</c> from the peer (BEP 52): for the piece manager's layer fetch.</summary>
    void HashAnswered(PeerMessage answer);

    /// <summary>
    /// A leaf-layer hash request to answer (BEP 52): hash the planned pieces' 16 KiB blocks off the session's thread
    /// and tell the session <see cref="PeerSession.OnLeavesRead"/>.
    /// </summary>
    void ReadLeaves(HashRange range, LeafAnswer.LeafPlan plan);

    /// <summary>The peer has every piece.</summary>
    void PeerHasAll();

    /// <summary>The peer named the port it listens on (its extension handshake's <c>p</c>).</summary>
    void ListenPort(int port);

    /// <summary>Choke, interest or rates changed: the peer manager's view of this peer should be refreshed.</summary>
    void StatsChanged();

    /// <summary>Something worth a line in the log (warning level).</summary>
    void Warn(string message);

    /// <summary>The connection ends. <paramref name="failed"/>: the peer misbehaved or could not be reached; <paramref name="ban"/>: never again.</summary>
    void Close(string reason, bool failed, bool ban);
}
