namespace Engine.Api;

/// <summary>
/// How much a file is wanted. A piece is worth the most any file it touches is worth: high pieces are fetched before
/// normal ones, normal before low (rarest-first within a level), and a skipped file is neither created nor fetched —
/// the bytes it shares with a wanted neighbour's piece are kept in the torrent's parts file.
/// </summary>
public enum FilePriority
{
    Skip = 0,
    Low = 1,
    Normal = 2,
    High = 3,
}
