using Engine.Core.Primitives;

namespace Engine.Sharing;

/// <summary>Where a file of a shared directory is.</summary>
public enum ShareItemState
{
    /// <summary>Seen, but not yet unchanged for the quiet period.</summary>
    Settling,
    /// <summary>Being made into a torrent.</summary>
    Hashing,
    /// <summary>Seeded (and published, for files made here).</summary>
    Shared,
    /// <summary>Known from an earlier run: shared again once the file is seen unchanged.</summary>
    Restored,
    /// <summary>Being fetched from the swarm.</summary>
    Downloading,
    /// <summary>Not shared: see <see cref="ShareItem.Problem"/> (empty, unreadable); tried again when it changes.</summary>
    Skipped,
}

/// <summary>A snapshot of one file of a shared directory.</summary>
/// <param name="Local">Made into a torrent here (so we publish it), rather than fetched.</param>
public sealed record ShareItem(string Name, ShareItemState State, InfoHash? InfoHash, FileSignature? Signature, bool Local, bool Published, string? Problem);
