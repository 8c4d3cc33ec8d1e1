using System.Net;
using Engine.Core.Primitives;

namespace Engine.Api;

/// <summary>One connected peer of a torrent (from <see cref="TorrentHandle.GetPeersAsync"/>).</summary>
/// <param name="EndPoint">The peer's address as connected (an incoming peer's port is ephemeral).</param>
/// <param name="Client">The client program decoded from the peer id ("libtorrent 2.0.8"), or null when unknown.</param>
/// <param name="PeerId">The peer id, printable characters kept and others shown as '.'.</param>
/// <param name="DownloadRate">Payload bytes per second we receive from it.</param>
/// <param name="UploadRate">Payload bytes per second we send to it.</param>
/// <param name="AmChoking">We refuse its requests.</param>
/// <param name="AmInterested">It has pieces we want.</param>
/// <param name="PeerChoking">It refuses our requests.</param>
/// <param name="PeerInterested">We have pieces it wants.</param>
/// <param name="Snubbed">It unchoked us but sent nothing for a while.</param>
/// <param name="Progress">Fraction of the pieces it has, 0..1.</param>
public sealed record PeerSnapshot(
    IPEndPoint EndPoint,
    string? Client,
    string PeerId,
    double DownloadRate,
    double UploadRate,
    long Downloaded,
    long Uploaded,
    bool AmChoking,
    bool AmInterested,
    bool PeerChoking,
    bool PeerInterested,
    bool Snubbed,
    double Progress,
    DateTimeOffset ConnectedAt)
{
    /// <summary>Where we learnt of the peer: a tracker, the DHT, peer exchange, local discovery, it connected to us, or it was given.</summary>
    public PeerSource Source { get; init; }

    /// <summary>The connection is RC4-encrypted (message stream encryption); false for plain ones, and for MSE that chose plaintext.</summary>
    public bool Encrypted { get; init; }

    /// <summary>The connection runs over uTP (BEP 29) rather than TCP.</summary>
    public bool Utp { get; init; }
    /// <summary>
    /// A web seed's URL (BEP 19; <see cref="Source"/> is then <see cref="PeerSource.WebSeed"/> and <see cref="EndPoint"/> an
    /// address of the discard prefix 100::/64 that stands for it); null for peer connections.
    /// </summary>
    public string? Url { get; init; }
}
