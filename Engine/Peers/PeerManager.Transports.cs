using System.Net;
using Akka.Event;
using Engine.Transports;

namespace Engine.Peers;

/// <summary>
/// Which transport to dial a peer with, remembered per address. The engine dials TCP first (uTP when TCP fails), but a
/// peer may accept TCP connections and close them at once — libtorrent with TCP off does, and so may a client behind a
/// middlebox that lets only UDP through; its TCP connect succeeds, so the fallback never happens. Such a peer is dialled
/// uTP first from then on (<see cref="SwarmContext.UtpFirstDialer"/>), and forgotten when a uTP connection to it fails too.
/// </summary>
internal sealed partial class PeerManager
{
    /// <summary>At most this many addresses remembered (then the set starts again: it is a hint, not a record).</summary>
    public const int MaxUtpFirst = 4096;

    private readonly HashSet<IPEndPoint> _utpFirst = new();

    /// <summary>The dialer for <paramref name="remote"/> (null: the swarm's); <paramref name="underV2"/>: dialled with a hybrid's v2 hash, so its MSE key.</summary>
    private IPeerDialer? DialerFor(IPEndPoint remote, bool underV2 = false)
    {
        var utpFirst = _ctx.UtpFirstDialer is not null && _utpFirst.Contains(remote);
        if (underV2) return utpFirst ? _ctx.V2UtpFirstDialer ?? _ctx.UtpFirstDialer : _ctx.V2Dialer;
        return utpFirst ? _ctx.UtpFirstDialer : null;
    }

    private void RememberTransport(PeerEntry entry, PeerDisconnected m)
    {
        if (_ctx.UtpFirstDialer is null || !entry.Outgoing || m.PeerId is not null) return;
        if (!m.OverTcp)
        {
            if (m.Failed && _utpFirst.Remove(entry.Remote))
                Context.GetLogger().Info("peer {0}: uTP failed too ({1}); dialling it as the others again", entry.Remote, m.Reason);
            return;
        }
        if (_utpFirst.Count >= MaxUtpFirst) _utpFirst.Clear();
        if (_utpFirst.Add(entry.Remote))
            Context.GetLogger().Info("peer {0}: no handshake over TCP ({1}): dialling it over uTP first", entry.Remote, m.Reason);
    }
}
