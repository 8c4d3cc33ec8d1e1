namespace Engine.Cluster.Api;

/// <summary>One node's replica of a cluster torrent: which node, and how many of the torrent's pieces it has verified.</summary>
public sealed record ReplicaStatus(string Node, int VerifiedPieces, int PieceCount)
{
    /// <summary>Every piece verified: the node seeds the torrent.</summary>
    public bool IsComplete => PieceCount > 0 && VerifiedPieces == PieceCount;
}
