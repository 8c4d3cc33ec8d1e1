namespace Engine.Core.Dht;

/// <summary>
/// A node in the routing table, with what BEP 5 judges it by: good (answered us in the last 15 minutes, or answered
/// once and queried us in the last 15), questionable (quiet for 15 minutes), bad (failed to answer twice in a row).
/// </summary>
internal sealed class RoutingNode(DhtContact contact, DateTimeOffset now)
{
    public static readonly TimeSpan GoodFor = TimeSpan.FromMinutes(15);
    public const int FailuresToBad = 2;

    public DhtContact Contact { get; set; } = contact;
    public DateTimeOffset LastResponse { get; set; } = now;
    public DateTimeOffset? LastQuery { get; set; }
    public int Failures { get; set; }

    public bool IsBad => Failures >= FailuresToBad;

    public bool IsGood(DateTimeOffset now) => Failures == 0 && (now - LastResponse < GoodFor || LastQuery is { } q && now - q < GoodFor);

    /// <summary>When we last heard from it at all.</summary>
    public DateTimeOffset LastSeen => LastQuery is { } q && q > LastResponse ? q : LastResponse;
}
