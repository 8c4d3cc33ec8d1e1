namespace Engine.Core.Pieces;

/// <summary>
/// How fast a peer delivers what we request: its rate in blocks a second over the last sample and its round trip with
/// empty queues. The endgame uses it to tell when a block waiting at one peer would come sooner from another.
/// </summary>
internal readonly record struct PeerPace(double BlocksPerSecond, TimeSpan RoundTrip)
{
    /// <summary>Nothing arrived in the last sample (new, choked or stalled): when its blocks come is not known.</summary>
    public static readonly PeerPace Unknown = default;

    public bool IsKnown => BlocksPerSecond > 0;

    /// <summary>Seconds until the <paramref name="position"/>-th block of its queue (1: the next) arrives.</summary>
    public double SecondsUntil(int position) => position / BlocksPerSecond;
}
