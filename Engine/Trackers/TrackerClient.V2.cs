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
/// The echo does not take part in the tier logic. One that fails is sent again on its own after 15 s · 2ⁿ (as a failed
/// round, <see cref="TrackerSettings.RetryBase"/>), until it is answered or the tracker's next announce echoes anew:
/// otherwise one lost echo would hide the v2 swarm for a whole interval (opentracker's is 30 min).
/// </summary>
internal sealed partial class TrackerClient
{
    private sealed record EchoAgain(string Url, AnnounceEvent Event);

    private readonly InfoHash? _v2;
    private readonly Dictionary<long, (string Url, AnnounceEvent Event)> _v2Announces = new();
    private readonly Dictionary<string, int> _v2Failures = new();

    private void AnnounceV2(string url, AnnounceEvent ev)
    {
        if (_v2 is not { } v2) return;
        Timers.Cancel(EchoTimer(url)); // this echo replaces a retry still waiting
        var id = ++_nextId;
        _v2Announces[id] = (url, ev);
        SendAnnounce(id, url, BuildRequest(ev) with { InfoHash = v2 });
    }

    /// <summary>True when <paramref name="r"/> answers a v2 echo (handled here).</summary>
    private bool OnV2Result(AnnounceResult r)
    {
        if (!_v2Announces.Remove(r.Id, out var echo)) return false;
        if ((r.Error ?? r.Response?.FailureReason) is { } error)
        {
            var failures = _v2Failures[echo.Url] = _v2Failures.GetValueOrDefault(echo.Url) + 1;
            var delay = Backoff(failures);
            Context.GetLogger().Info("tracker {0} (v2 info-hash): {1}; again in {2:0} s", echo.Url, error, delay.TotalSeconds);
            Timers.StartSingleTimer(EchoTimer(echo.Url), new EchoAgain(echo.Url, echo.Event), delay);
            return true;
        }
        _v2Failures.Remove(echo.Url);
        if (r.Response!.Peers.Count > 0)
            _peers.Tell(new PeerManager.AddPeers(r.Response.Peers, UnderV2: true)); // dialled with the v2 hash, unless the v1 swarm names them too
        return true;
    }

    private static string EchoTimer(string url) => "v2-echo " + url;

    private void SendStopped(long id, string url, AnnounceRequest request)
    {
        if (TrackerUrl.ProtocolOf(url) == TrackerProtocol.Udp)
            Udp().Tell(new UdpTrackerSocket.Announce(id, url, request));
        else
            HttpAnnounce(url, request, _settings.StopTimeout).ContinueWith(_ => new StopDone(id), TaskScheduler.Default).PipeTo(Self);
    }
}
