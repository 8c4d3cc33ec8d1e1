using Akka.Actor;
using Engine.Core.Pex;
using Engine.Core.Primitives;

namespace Engine.Peers;

/// <summary>
/// Peer exchange (BEP 11): every <see cref="PexRound"/> each connection's ut_pex module gets the torrent's other peers
/// (their dial addresses, flagged reachable when we dialled them and seed when they have everything), and sends what
/// changed, at most once a minute; the peers connections learn this way join the book as <see cref="PeerSource.Pex"/>.
/// Only when <see cref="SwarmContext.Pex"/> (never for a private torrent).
/// </summary>
internal sealed partial class PeerManager
{
    private sealed class PexTick { public static readonly PexTick Instance = new(); }

    /// <summary>A new peer hears of the others this soon (its extension handshake has arrived by then), not a minute later.</summary>
    private static readonly TimeSpan FirstPexDelay = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How often the connections' modules get the peers. Each still sends at most once a minute; rounds four times as
    /// often let a connection's next message go within 15 s of its minute, whatever the phase of its first (a round a
    /// minute, out of phase with a first message sent seconds after the handshake, put the second two minutes on).
    /// </summary>
    internal static readonly TimeSpan PexRound = PexExtension.Interval / 4;

    private void OnPexPeersLearnt(PexPeersLearnt m)
    {
        if (!_ctx.Pex || !_peers.ContainsKey(Sender)) return;
        RememberRelay(Sender, m.Peers);
        if (_book.Add(m.Peers.Select(p => p.EndPoint), PeerSource.Pex) > 0) Dial();
    }

    /// <summary>A peer joined: a round of PEX shortly (each connection's module still sends at most once a minute).</summary>
    private void SoonPex()
    {
        if (_ctx.Pex && !Timers.IsTimerActive("pex-soon")) Timers.StartSingleTimer("pex-soon", PexTick.Instance, FirstPexDelay);
    }

    private void SendPex()
    {
        var shared = new List<PexPeer>();
        foreach (var e in _peers.Values)
        {
            if (e.PeerId is null || e.Superseded || e.DialAddress is not { } address) continue;
            var flags = (e.Outgoing ? PexFlags.Reachable : PexFlags.None)
                        | (e.Stats is { } s && s.PiecesHave == _ctx.Layout.PieceCount ? PexFlags.Seed : PexFlags.None)
                        | (e.Stats is { Utp: true } ? PexFlags.SupportsUtp : PexFlags.None)
                        | (e.Holepunch ? PexFlags.SupportsHolepunch : PexFlags.None);
            shared.Add(new PexPeer(address, flags));
        }
        foreach (var e in _peers.Values)
        {
            if (e.PeerId is null || e.Superseded) continue;
            var others = shared.Where(p => !p.EndPoint.Equals(e.DialAddress) && !p.EndPoint.Equals(e.Remote)).ToList();
            e.Actor.Tell(new PeerConnection.ToExtension(PexExtension.Name, new PexUpdate(others)));
        }
    }
}
