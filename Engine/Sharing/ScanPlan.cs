using Engine.Core.Primitives;

namespace Engine.Sharing;

/// <summary>What a scan of the shared directory asks for.</summary>
/// <param name="ToHash">Files that stopped changing: make each a torrent, then report it with <see cref="ShareLibrary.Hashed"/>.</param>
/// <param name="ToUnshare">Torrents to drop: their file was deleted or changed.</param>
/// <param name="ToResume">Torrents of an earlier run whose file is unchanged: seed them again.</param>
/// <param name="Skipped">Files newly skipped (e.g. empty), with the reason.</param>
/// <param name="NextScan">When a settling file will have been quiet long enough (null when none is settling).</param>
internal sealed record ScanPlan(
    IReadOnlyList<ListedFile> ToHash,
    IReadOnlyList<Unshare> ToUnshare,
    IReadOnlyList<(string Name, InfoHash InfoHash)> ToResume,
    IReadOnlyList<(string Name, string Reason)> Skipped,
    DateTimeOffset? NextScan);

/// <summary>A torrent that no longer matches its file.</summary>
internal sealed record Unshare(string Name, InfoHash InfoHash, string Reason);
