using System.Net;
using Akka.Actor;
using Akka.Event;
using Engine.Core.Holepunch;
using Engine.Core.Pex;

namespace Engine.Peers;

/// <summary>
/// Hole punching (BEP 55), when the swarm has a <see cref="SwarmContext.HolepunchDialer"/> (uTP on) and PEX. As a relay:
/// a peer's rendezvous for an endpoint we are connected to (and which speaks ut_holepunch) sends <c>connect</c> to both;
/// otherwise an <c>error</c> with <see cref="HolepunchRelay"/>'s code. As an initiator: a peer that PEX told us of
/// with the holepunch flag and whose dial failed is asked for through the connection that told us; a <c>connect</c>
/// from a relay dials the endpoint over uTP at once — the other side does the same, so both NATs see outgoing packets
/// first and let the other's in (the incoming SYN is accepted beside our own dial; the duplicate rule keeps one).
/// A peer we cannot reach either way is logged with the reason.
/// </summary>
internal sealed partial class PeerManager
{
    /// <summary>PEX peers that can be punched to, and the connection that told us of each (bounded).</summary>
    private readonly Dictionary<IPEndPoint, IActorRef> _relayFor = new();
    /// <summary>Endpoints asked for through a relay, and when (one rendezvous per endpoint per <see cref="RendezvousRetry"/>).</summary>
    private readonly Dictionary<IPEndPoint, DateTimeOffset> _rendezvousAt = new();
    private const int MaxRelayed = 500;
    private static readonly TimeSpan RendezvousRetry = TimeSpan.FromMinutes(5);
    /// <summary>How long a relay has to answer a rendezvous (and the punch to connect) before the peer is reported unreachable.</summary>
    private static readonly TimeSpan RendezvousTimeout = TimeSpan.FromSeconds(30);

    private sealed record RendezvousTimedOut(IPEndPoint Target, IPEndPoint Relay);

    /// <summary>The hole-punch messages (BEP 55): what peers say they support, ask of us as a relay, or report back.</summary>
    private bool HolepunchMessages(object message)
    {
        switch (message)
        {
            case HolepunchSupport m:
                if (_peers.TryGetValue(Sender, out var e)) e.Holepunch = m.Supported;
                return true;
            case HolepunchRendezvousAsked m:
                if (_peers.TryGetValue(Sender, out var asker)) Relay(asker, m.Target);
                return true;
            case HolepunchConnectAsked m:
                if (_peers.ContainsKey(Sender)) PunchTo(m.Target);
                return true;
            case RendezvousTimedOut m:
                if (!_byAddress.ContainsKey(m.Target))
                    Context.GetLogger().Warning("peer {0} unreachable: dial failed and the relay {1} did not introduce us within {2} s (gone, or the punch did not get through)",
                        m.Target, m.Relay, RendezvousTimeout.TotalSeconds);
                return true;
            case HolepunchFailed m: OnHolepunchFailed(m); return true;
            default: return false;
        }
    }

    private void OnHolepunchFailed(HolepunchFailed m)
    {
        if (m.Error == HolepunchError.NoSelf)
        {
            // The relay sees us at that address: our NAT's public one, which PEX gave back to us. Never dial it.
            _book.MarkOwn(m.Target);
            _relayFor.Remove(m.Target);
            Timers.Cancel("rendezvous-" + m.Target);
            Context.GetLogger().Info("hole punch: {0} is our own public address (the relay says so); not dialling it again", m.Target);
            return;
        }
        Context.GetLogger().Warning("peer {0} unreachable: dial failed and the relay could not introduce us ({1})", m.Target, HolepunchRelay.Describe(m.Error));
    }

    /// <summary>PEX told us of <paramref name="peers"/> through <paramref name="relay"/>: those that speak ut_holepunch may be punched to through it.</summary>
    private void RememberRelay(IActorRef relay, IReadOnlyList<PexPeer> peers)
    {
        if (_ctx.HolepunchDialer is null) return;
        var n = 0;
        foreach (var p in peers)
            if ((p.Flags & PexFlags.SupportsHolepunch) != 0 && (_relayFor.Count < MaxRelayed || _relayFor.ContainsKey(p.EndPoint)))
            {
                _relayFor[p.EndPoint] = relay;
                n++;
            }
        if (n > 0) Context.GetLogger().Info("hole punch: {0} peer(s) from PEX may be reached through {1}", n, relay.Path.Name);
    }

    private void Relay(PeerEntry asker, IPEndPoint target)
    {
        PeerEntry? found = null;
        foreach (var e in _peers.Values)
            if (!e.Superseded && e.PeerId is not null && (target.Equals(e.DialAddress) || target.Equals(e.Remote))) found = e;
        var known = found is not null || _book.Knows(target) || _byAddress.ContainsKey(target);
        var answer = HolepunchRelay.Answer(known, found is not null, found?.Holepunch == true, ReferenceEquals(found, asker));
        if (answer != HolepunchError.None || found is null)
        {
            Send(asker, new HolepunchMessage(HolepunchMessageType.Error, target, answer));
            return;
        }
        Send(found, new HolepunchMessage(HolepunchMessageType.Connect, asker.DialAddress ?? asker.Remote));
        Send(asker, new HolepunchMessage(HolepunchMessageType.Connect, target));
    }

    private static void Send(PeerEntry to, HolepunchMessage message) =>
        to.Actor.Tell(new PeerConnection.ToExtension(HolepunchExtension.Name, new HolepunchSend(message)));

    /// <summary>A relay says: connect to <paramref name="target"/> now, over uTP (unless we are connected or dialling already).</summary>
    private void PunchTo(IPEndPoint target)
    {
        if (_ctx.HolepunchDialer is not { } dialer) return;
        if (_byAddress.ContainsKey(target))
        {
            // The other side's SYN may come through before the relay's connect reaches us (our failed dial kept our NAT open to it).
            Context.GetLogger().Info("hole punch: not dialling {0}: connected or being dialled already", target);
            return;
        }
        if (_peers.Count >= _settings.MaxConnections || _book.IsBanned(target, Now) || !_ctx.Connections.TryAcquire()) return;
        Context.GetLogger().Info("hole punch: dialling {0} over uTP", target);
        _book.Add([target], Core.Primitives.PeerSource.Pex);
        _book.MarkConnected(target, Now);
        var actor = Context.ActorOf(PeerConnection.Outgoing(_ctx, target, dialer), $"peer-{++_counter}");
        Track(actor, target, outgoing: true);
        UpdateTimers();
    }

    /// <summary>Our dial to <paramref name="entry"/>'s address failed before a handshake: ask its relay, or say why it is unreachable.</summary>
    private void DialFailed(PeerEntry entry, string reason)
    {
        if (!entry.Outgoing || entry.PeerId is not null || !_relayFor.TryGetValue(entry.Remote, out var relayActor)) return;
        if (_rendezvousAt.TryGetValue(entry.Remote, out var at) && Now - at < RendezvousRetry) return;
        if (!_peers.TryGetValue(relayActor, out var relay) || !relay.Holepunch)
        {
            _relayFor.Remove(entry.Remote);
            Context.GetLogger().Warning("peer {0} unreachable: {1}, and the peer that told us of it (the relay for a hole punch) is gone", entry.Remote, reason);
            return;
        }
        _rendezvousAt[entry.Remote] = Now;
        Context.GetLogger().Info("hole punch: {0} ({1}); asking {2} to introduce us", entry.Remote, reason, relay.Remote);
        Send(relay, new HolepunchMessage(HolepunchMessageType.Rendezvous, entry.Remote));
        Timers.StartSingleTimer("rendezvous-" + entry.Remote, new RendezvousTimedOut(entry.Remote, relay.Remote), RendezvousTimeout);
    }
}
