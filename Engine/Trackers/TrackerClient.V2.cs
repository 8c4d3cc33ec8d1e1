using Akka.Actor;
using Akka.Event;
using Engine.Core.Primitives;
using Engine.Core.Trackers;
using Engine.Peers;

namespace Engine.Trackers;

/// <summary>
/// A hybrid torrent's second swarm (BEP 52): each successful announce is repeated, with the same event, under the
/// truncated v2 info-hash, so v2-only peers (a btmh magnet) find us; the peers it returns are told like the others, as
/// learnt in the v2 swarm (dialled with the v2 hash).
/// The echo does not take part in the tier logic: its failures are logged, never retried on their own.
/// </summary>
internal sealed partial class TrackerClient
{
    private readonly InfoHash? _v2;
    private readonly Dictionary<long, string> _v2Announces = new();

    private void AnnounceV2(string url, AnnounceEvent ev)
    {
        if (_v2 is not { } v2) return;
        var id = ++_nextId;
        _v2Announces[id] = url;
        SendAnnounce(id, url, BuildRequest(ev) with { InfoHash = v2 });
    }

    /// <summary>True when <paramref name="r"/> answers a v2 echo (handled here).</summary>
    private bool OnV2Result(AnnounceResult r)
    {
        if (!_v2Announces.Remove(r.Id, out var url)) return false;
        if ((r.Error ?? r.Response?.FailureReason) is { } error)
            Context.GetLogger().Info("tracker {0} (v2 info-hash): {1}", url, error);
        else if (r.Response!.Peers.Count > 0)
            _peers.Tell(new PeerManager.AddPeers(r.Response.Peers, UnderV2: true)); // dialled with the v2 hash, unless the v1 swarm names them too
        return true;
    }

    private void SendStopped(long id, string url, AnnounceRequest request)
    {
        if (TrackerUrl.ProtocolOf(url) == TrackerProtocol.Udp)
            Udp().Tell(new UdpTrackerSocket.Announce(id, url, request));
        else
            HttpAnnounce(url, request, _settings.StopTimeout).ContinueWith(_ => new StopDone(id), TaskScheduler.Default).PipeTo(Self);
    }
}
