using System.Net;
using Engine.Core.Primitives;

namespace Engine.Core.Trackers;

/// <summary>A decoded announce response.</summary>
/// <param name="FailureReason">Set when the tracker refused the announce; the other fields are then empty or zero.</param>
/// <param name="Interval">How long to wait before the next regular announce.</param>
/// <param name="MinInterval">The tracker's minimum announce interval, if it sent one.</param>
/// <param name="TrackerId">To send back as <c>trackerid</c> on later announces.</param>
/// <param name="Complete">Seeders in the swarm, if reported.</param>
/// <param name="Incomplete">Leechers in the swarm, if reported.</param>
/// <param name="Peers">IPv4 and IPv6 peers from <c>peers</c> (compact or dictionary model) and <c>peers6</c>,
/// in the tracker's order, duplicates and port-0 entries removed.</param>
/// <param name="PeerIds">Peer ids the dictionary model gave, by endpoint (empty for compact lists).</param>
internal sealed record AnnounceResponse(
    string? FailureReason,
    string? WarningMessage,
    TimeSpan Interval,
    TimeSpan? MinInterval,
    string? TrackerId,
    int? Complete,
    int? Incomplete,
    IReadOnlyList<IPEndPoint> Peers,
    IReadOnlyDictionary<IPEndPoint, PeerId> PeerIds)
{
    public bool IsFailure => FailureReason is not null;
}
