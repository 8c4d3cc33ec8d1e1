using System.Net;
using Engine.Core.Primitives;

namespace Engine.Core.Peers;

/// <summary>
/// Who may hold one of a torrent's connection slots, as mature clients decide it. Per host: at most
/// <c>maxPerHost</c> connections (1 by default — a peer needs one; more from one address is a client run several times
/// or an attacker filling our slots), a shared host (127.0.0.1, ::1: <see cref="PeerAddress"/>) exempt; checked when
/// a connection arrives and again once its peer id is known. Turnover: when
/// every slot is taken, a newcomer takes the slot of the least useful peer — interested in nothing we have, having
/// nothing we want, and no block either way for <c>idleTurnover</c> — so idle connections kept alive with keep-alives
/// cannot shut honest peers out. Pure: the caller counts and carries out.
/// </summary>
internal sealed class ConnectionHygiene
{
    private readonly int _maxPerHost;
    private readonly TimeSpan _idleTurnover;

    public ConnectionHygiene(int maxPerHost = DefaultMaxPerHost, TimeSpan? idleTurnover = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerHost, 1);
        _maxPerHost = maxPerHost;
        _idleTurnover = idleTurnover ?? DefaultIdleTurnover;
        if (_idleTurnover <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(idleTurnover), "must be positive");
    }

    public const int DefaultMaxPerHost = 1;
    public static readonly TimeSpan DefaultIdleTurnover = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Whether a connection to or from <paramref name="remote"/> — a peer whose id is <paramref name="id"/>, when known
    /// — would be one too many for its host, given the torrent's <paramref name="others"/>. Connections of the same peer
    /// id do not count (the duplicate rule settles those), nor do our dials whose peer has not answered yet (they may
    /// be that same peer, dialled while it dialled us).
    /// </summary>
    public bool HostFull(IPEndPoint remote, PeerId? id, IEnumerable<HostConnection> others)
    {
        var host = PeerAddress.Key(remote);
        if (PeerAddress.IsSharedHost(host.Address)) return false;
        var n = 0;
        foreach (var other in others)
        {
            if (!PeerAddress.Key(other.Remote).Equals(host)) continue;
            if (other.PeerId is null ? other.Outgoing && id is not null : id is not null && other.PeerId.Equals(id)) continue;
            if (++n >= _maxPerHost) return true;
        }
        return false;
    }

    /// <summary>
    /// The peer to disconnect so that a newcomer gets its slot: among those that want nothing from us, have nothing we
    /// want, and have been connected and idle for the turnover time, the one idle longest. Null when none qualifies.
    /// </summary>
    public int? ChooseTurnover(IEnumerable<SlotPeer> peers, DateTimeOffset now)
    {
        int? best = null;
        var bestIdle = DateTimeOffset.MaxValue;
        foreach (var p in peers)
        {
            if (p.PeerInterested || p.AmInterested) continue;
            if (now - p.ConnectedAt < _idleTurnover || now - p.LastActive < _idleTurnover) continue;
            if (p.LastActive >= bestIdle) continue;
            best = p.Key;
            bestIdle = p.LastActive;
        }
        return best;
    }
}
