namespace Engine.Core.Choking;

/// <summary>What the choker needs to know about one connected peer at a rechoke.</summary>
/// <param name="Key">The caller's id for the peer.</param>
/// <param name="Interested">The peer is interested in our pieces.</param>
/// <param name="ChokedByUs">We currently choke the peer.</param>
/// <param name="DownloadRate">Bytes per second we receive from the peer.</param>
/// <param name="UploadRate">Bytes per second we send to the peer.</param>
/// <param name="LastPieceReceived">When the peer last sent us a block, if ever.</param>
/// <param name="ConnectedAt">When the connection was established.</param>
/// <param name="Snubbed">The peer unchoked us but sent nothing for a minute (see <see cref="Choker.IsSnubbed"/>).</param>
internal readonly record struct ChokerPeer(
    int Key,
    bool Interested,
    bool ChokedByUs,
    double DownloadRate,
    double UploadRate,
    DateTime? LastPieceReceived,
    DateTime ConnectedAt,
    bool Snubbed = false);

/// <summary>The outcome of a rechoke.</summary>
/// <param name="Unchoke">Peers to unchoke now (currently choked).</param>
/// <param name="Choke">Peers to choke now (currently unchoked).</param>
/// <param name="Unchoked">Every peer that is unchoked after this decision (regular slots plus the optimistic one).</param>
/// <param name="Optimistic">The optimistic unchoke, if any peer qualifies.</param>
internal sealed record ChokeDecision(
    IReadOnlyList<int> Unchoke,
    IReadOnlyList<int> Choke,
    IReadOnlyList<int> Unchoked,
    int? Optimistic);
