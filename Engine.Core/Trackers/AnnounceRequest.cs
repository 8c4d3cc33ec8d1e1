using Engine.Core.Primitives;

namespace Engine.Core.Trackers;

/// <summary>The <c>event</c> of an announce (BEP 3). <see cref="None"/> is a regular periodic announce.</summary>
internal enum AnnounceEvent
{
    None,
    Started,
    Completed,
    Stopped,
}

/// <summary>What an announce tells the tracker (BEP 3, with BEP 23 compact and BEP 7 key/ip).</summary>
/// <param name="Port">The port we accept peer connections on.</param>
/// <param name="Left">Bytes still to download; <see cref="UnknownLeft"/> when the peer does not know (a tracker's view of a
/// magnet link's client before the metadata).</param>
/// <param name="NumWant">Peers wanted; 0 is allowed (e.g. with <see cref="AnnounceEvent.Stopped"/>).</param>
/// <param name="Key">A random value fixed for the session, so the tracker can recognise us across IP changes.</param>
/// <param name="TrackerId">The <c>tracker id</c> of a previous response from this tracker, if any.</param>
/// <param name="Ip">Our address, only when it must be stated explicitly (BEP 7: e.g. an IPv6 address).</param>
internal sealed record AnnounceRequest(
    InfoHash InfoHash,
    PeerId PeerId,
    int Port,
    long Uploaded,
    long Downloaded,
    long Left,
    AnnounceEvent Event = AnnounceEvent.None,
    int NumWant = 50,
    uint Key = 0,
    string? TrackerId = null,
    bool Compact = true,
    string? Ip = null)
{
    /// <summary>The <see cref="Left"/> of a peer that announced an empty <c>left</c>: counted as a leecher.</summary>
    public const long UnknownLeft = -1;
}
