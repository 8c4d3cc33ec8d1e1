namespace Engine.Core.Pieces;

/// <summary>
/// How fast a peer delivers what we request: its rate in blocks a second over the last sample and its round trip with
/// empty queues. The picker uses it to tell when a block waiting at one peer would come sooner from another (endgame),
/// and which peers can fetch the last free blocks first.
/// </summary>
internal readonly record struct PeerPace(double BlocksPerSecond, TimeSpan RoundTrip)
{
    /// <summary>Nothing arrived in the last sample (new, choked or stalled): when its blocks come is not known.</summary>
    public static readonly PeerPace Unknown = default;

    public bool IsKnown => BlocksPerSecond > 0;

    /// <summary>Seconds until the <paramref name="position"/>-th block of its queue (1: the next) arrives.</summary>
    public double SecondsUntil(int position) => position / BlocksPerSecond;

    /// <summary>Seconds until a block requested now arrives, behind the <paramref name="queued"/> it holds, and its round trip.</summary>
    public double SecondsUntilNew(int queued) => SecondsUntil(queued + 1) + RoundTrip.TotalSeconds;
}
