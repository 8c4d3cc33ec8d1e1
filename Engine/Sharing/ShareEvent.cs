using Engine.Core.Primitives;

namespace Engine.Sharing;

/// <summary>Something that happened in a shared directory (for the console and for tests).</summary>
public abstract record ShareEvent(DateTimeOffset At);

/// <summary>A file is seeded: made here and published (<paramref name="Published"/> false: the tracker refused it or was
/// unreachable, it is tried again at each scan), or resumed from an earlier run, or fetched.</summary>
public sealed record FileShared(DateTimeOffset At, string Name, InfoHash InfoHash, long Size, bool Published, string How) : ShareEvent(At);

/// <summary>A file that was shared is no longer: it was deleted or changed (a changed file is shared again as a new torrent).</summary>
public sealed record FileUnshared(DateTimeOffset At, string Name, InfoHash InfoHash, string Reason) : ShareEvent(At);

public sealed record FetchStarted(DateTimeOffset At, string Name, InfoHash InfoHash, long Size, bool Resumed) : ShareEvent(At);

public sealed record FetchCompleted(DateTimeOffset At, string Name, InfoHash InfoHash, long Size) : ShareEvent(At);

public sealed record FetchFailed(DateTimeOffset At, string What, string Reason) : ShareEvent(At);

/// <summary>A file not shared (empty, unreadable), a publish that failed, a catalog entry not followed, a state write that failed.</summary>
public sealed record ShareProblem(DateTimeOffset At, string Message) : ShareEvent(At);
