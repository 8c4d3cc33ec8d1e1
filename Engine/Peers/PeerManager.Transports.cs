using System.Net;
using Akka.Event;
using Engine.Transports;

namespace Engine.Peers;

/// <summary>
/// Which transport to dial a peer with, remembered per address. The engine dials TCP first (uTP when TCP fails), but a
/// peer may accept TCP connections and close them at once — libtorrent with TCP off does, and so may a client behind a
/// middlebox that lets only UDP through; its TCP connect succeeds, so the fallback never happens. Such a peer is dialled
/// uTP first from then on (<see cref="SwarmContext.UtpFirstDialer"/>), and forgotten when a uTP connection to it fails too.
/// <para>The same peer may instead require encryption (libtorrent's and rtorrent's "forced"), which our default,
/// <c>EncryptionMode.Enabled</c>, never dials: such a peer is dialled encrypted first as well (plain again if refused;
/// <see cref="SwarmContext.EncryptFirstDialer"/>), as libtorrent switches a peer's encryption after a failed
/// handshake, and forgotten when that dial fails too.</para>
/// </summary>
internal sealed partial class PeerManager
{
    /// <summary>At most this many addresses remembered (then the set starts again: it is a hint, not a record).</summary>
    public const int MaxUtpFirst = 4096;

    private readonly HashSet<IPEndPoint> _utpFirst = new();
    private readonly HashSet<IPEndPoint> _encryptFirst = new();

    /// <summary>The dialer for <paramref name="remote"/> (null: the swarm's); <paramref name="underV2"/>: dialled with a hybrid's v2 hash, so its MSE key.</summary>
    private IPeerDialer? DialerFor(IPEndPoint remote, bool underV2 = false)
    {
        var utpFirst = _ctx.UtpFirstDialer is not null && _utpFirst.Contains(remote);
        if (!underV2 && _ctx.EncryptFirstDialer is { } encryptFirst && _encryptFirst.Contains(remote)) return encryptFirst;
        if (underV2) return utpFirst ? _ctx.V2UtpFirstDialer ?? _ctx.UtpFirstDialer : _ctx.V2Dialer;
        return utpFirst ? _ctx.UtpFirstDialer : null;
    }

    private void RememberTransport(PeerEntry entry, PeerDisconnected m)
    {
        if (!entry.Outgoing || m.PeerId is not null) return;
        RememberEncryption(entry.Remote, m);
        if (_ctx.UtpFirstDialer is null) return;
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

    private void RememberEncryption(IPEndPoint remote, PeerDisconnected m)
    {
        if (_ctx.EncryptFirstDialer is null || !m.Failed) return;
        if (_encryptFirst.Remove(remote))
        {
            Context.GetLogger().Info("peer {0}: no handshake encrypted either ({1}); dialling it plain again", remote, m.Reason);
            return;
        }
        if (!m.OverTcp) return; // no connection was made: nothing says the peer refused plain BitTorrent
        if (_encryptFirst.Count >= MaxUtpFirst) _encryptFirst.Clear();
        _encryptFirst.Add(remote);
        Context.GetLogger().Info("peer {0}: no handshake over a plain connection ({1}): dialling it encrypted first", remote, m.Reason);
    }
}
