using Akka.Actor;
using Akka.Event;
using Engine.Actors;
using Engine.Core.Primitives;
using Engine.Core.Trackers;
using Engine.Peers;

using Engine.PortMapping;

namespace Engine.Trackers;

/// <summary>
/// Announces one torrent to its trackers and tells the peers it learns (<see cref="PeerManager.AddPeers"/>) to its
/// peers target: the torrent, which remembers them and hands them to its PeerManager (or a magnet's fetcher). HTTP
/// (BEP 3/23/7) runs on the thread pool with the result piped back; UDP (BEP 15) goes through a <see cref="UdpTrackerSocket"/> child.
/// The announce list follows BEP 12 (<see cref="TrackerTiers"/>): every announce is a round from the first tier,
/// a failing tracker hands over to the next one (then the next tier), one that answers moves to the front of its
/// tier. A round in which all failed is retried after 15 s · 2ⁿ (at most 30 min). Each tracker gets <c>started</c>
/// on its first announce; <c>completed</c> once, when a download finishes; <c>stopped</c> goes to every tracker that
/// accepted us, bounded by <see cref="TrackerSettings.StopTimeout"/>. <see cref="Scrape"/> asks every tracker for
/// the swarm counts. A tracker never crashes the torrent: the torrent logs a client that fails and starts a new one.
/// </summary>
internal sealed partial class TrackerClient : UntypedActor, IWithTimers
{
    /// <summary>Transfer totals for the next announce (the torrent pushes them).</summary>
    public sealed record UpdateTotals(long Uploaded, long Downloaded, long Left);
    /// <summary>The download finished: announce <c>completed</c> now (ignored for a torrent that started complete).</summary>
    public sealed record Completed;
    /// <summary>Announce <c>stopped</c> (bounded by <see cref="TrackerSettings.StopTimeout"/>); replies <see cref="Stopped"/>.</summary>
    public sealed record Stop;
    public sealed record Stopped;
    /// <summary>Replies a list of <see cref="TrackerState"/>, in announce order (tier by tier), unsupported URLs last.</summary>
    public sealed record GetTrackers;
    /// <summary>Scrapes every tracker (HTTP by the /announce → /scrape convention, UDP action 2); replies <see cref="ScrapeResult"/>.</summary>
    public sealed record Scrape;
    public sealed record ScrapeResult(IReadOnlyList<TrackerScrape> Trackers);
    /// <summary>One tracker's counts for this torrent, or why there are none.</summary>
    public sealed record TrackerScrape(string Url, ScrapeStats? Stats, string? Error);

    /// <summary>What we know of one tracker. Seeders/leechers/completed come from the last announce or scrape that reported them.</summary>
    public sealed record TrackerState(string Url, string Status, int Peers, DateTimeOffset? LastAnnounce, string? Error)
    {
        /// <summary>Zero-based tier in the announce list (-1 for an unsupported URL).</summary>
        public int Tier { get; init; } = -1;
        public int? Seeders { get; init; }
        public int? Leechers { get; init; }
        public int? Completed { get; init; }
        public DateTimeOffset? LastScrape { get; init; }
    }

    private sealed class AnnounceNow { public static readonly AnnounceNow Instance = new(); }
    private sealed class StopDeadline { public static readonly StopDeadline Instance = new(); }
    private sealed record AnnounceResult(long Id, AnnounceResponse? Response, string? Error);
    private sealed record ScrapeDone(long Id, ScrapeResponse? Response, string? Error);
    private sealed record StopDone(long Id);
    private sealed record InFlight(long Id, string Url, AnnounceEvent Event);

    private sealed class ScrapeCollector(IActorRef replyTo, int expected)
    {
        public IActorRef ReplyTo { get; } = replyTo;
        public int Expected { get; } = expected;
        public Dictionary<string, TrackerScrape> Results { get; } = new();
    }

    private readonly PeerId _peerId;
    private readonly InfoHash _infoHash;
    private readonly int _port;
    private readonly PublicPort? _publicPort;
    private int _sentPort;
    private readonly IActorRef _peers;
    private readonly HttpClient _http;
    private readonly TrackerSettings _settings;
    private readonly TrackerTiers _tiers;
    private readonly Dictionary<string, TrackerState> _states = new();
    private readonly HashSet<string> _registered = new();
    private readonly Dictionary<long, (ScrapeCollector Collector, string Url)> _scrapes = new();
    private readonly uint _key = (uint)Random.Shared.Next();
    private readonly bool _startedComplete;
    private IActorRef? _udp;
    private InFlight? _current;
    private long _uploaded, _downloaded, _left, _nextId;
    private int _roundFailures;
    private bool _completedPending;
    private string? _trackerId;
    private Func<object, bool> _behaviour;

    /// <param name="totals">The transfer totals so far (a client started again after a failure goes on from the torrent's figures).</param>
    /// <param name="shuffleSeed">Seeds the shuffle of the tiers (tests); null for a random one.</param>
    /// <param name="alsoAnnounce">A hybrid's truncated v2 hash, announced too (<c>TrackerClient.V2.cs</c>); null: none.</param>
    public TrackerClient(InfoHash infoHash, IReadOnlyList<IReadOnlyList<string>> tiers, PeerId peerId, int port, IActorRef peers, HttpClient http, TrackerSettings settings, UpdateTotals totals, int? shuffleSeed, PublicPort? publicPort,
        InfoHash? alsoAnnounce = null)
    {
        _publicPort = publicPort;
        _v2 = alsoAnnounce;
        _infoHash = infoHash;
        _peerId = peerId;
        _port = port;
        _peers = peers;
        _http = http;
        _settings = settings;
        (_uploaded, _downloaded, _left) = (totals.Uploaded, totals.Downloaded, totals.Left);
        _startedComplete = totals.Left == 0;
        var supported = new List<IReadOnlyList<string>>();
        foreach (var tier in tiers)
        {
            var list = new List<string>();
            foreach (var url in tier)
            {
                if (TrackerUrl.ProtocolOf(url) == TrackerProtocol.Unsupported)
                    _states.TryAdd(url, new TrackerState(url, "unsupported scheme", 0, null, null));
                else list.Add(url);
            }
            supported.Add(list);
        }
        _tiers = new TrackerTiers(supported, shuffleSeed is { } seed ? new Random(seed) : new Random());
        foreach (var tier in _tiers.Tiers)
            foreach (var url in tier)
                _states[url] = new TrackerState(url, "waiting", 0, null, null);

        _behaviour = Announcing;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void OnReceive(object message)
    {
        if (!_behaviour(message)) Unhandled(message);
    }

    private bool Announcing(object message)
    {
        switch (message)
        {
            case UpdateTotals m: (_uploaded, _downloaded, _left) = (m.Uploaded, m.Downloaded, m.Left); return true;
            case AnnounceNow: OnAnnounceNow(); return true;
            case EchoAgain m: AnnounceV2(m.Url, m.Event); return true;
            // The router forwards another port now: trackers learn it at once (an announce under way is followed by another).
            case PublicPort.Changed:
                if (_registered.Count > 0 && PortToAnnounce != _sentPort) OnAnnounceNow();
                return true;
            case AnnounceResult m: OnAnnounceResult(m); return true;
            case UdpTrackerSocket.AnnounceReply m: OnAnnounceResult(new AnnounceResult(m.Id, m.Response, m.Error)); return true;
            case Completed:
                _left = 0;
                if (_startedComplete) return true;
                _completedPending = true;
                Self.Tell(AnnounceNow.Instance);
                return true;
            case GetTrackers: Sender.Tell(States()); return true;
            case Scrape: OnScrape(); return true;
            case ScrapeDone m: OnScrapeDone(m); return true;
            case UdpTrackerSocket.ScrapeReply m: OnScrapeDone(new ScrapeDone(m.Id, m.Response, m.Error)); return true;
            case Terminated m: OnUdpTerminated(m.ActorRef); return true;
            case Stop: OnStop(); return true;
            default: return false;
        }
    }

    /// <param name="publicPort">The port announced when a router forwards another one than <paramref name="port"/> (null: <paramref name="port"/>).</param>
    public static Props Props(InfoHash infoHash, IReadOnlyList<IReadOnlyList<string>> tiers, PeerId peerId, int port, IActorRef peers, HttpClient http, TrackerSettings settings, long left, PublicPort? publicPort = null)
        => Props(infoHash, tiers, peerId, port, peers, http, settings, new UpdateTotals(0, 0, left), publicPort);

    /// <summary>A client that starts from <paramref name="totals"/> (uploaded, downloaded and left so far).</summary>
    /// <param name="AlsoAnnounce">A hybrid's truncated v2 hash: every announce is repeated under it (BEP 52), its peers told too.</param>
    public static Props Props(InfoHash infoHash, IReadOnlyList<IReadOnlyList<string>> tiers, PeerId peerId, int port, IActorRef peers, HttpClient http, TrackerSettings settings, UpdateTotals totals, PublicPort? publicPort = null,
        InfoHash? AlsoAnnounce = null)
        => ActorProps.Of(() => new TrackerClient(infoHash, tiers, peerId, port, peers, http, settings, totals, null, publicPort, AlsoAnnounce));

    internal static Props Props(InfoHash infoHash, IReadOnlyList<IReadOnlyList<string>> tiers, PeerId peerId, int port, IActorRef peers, HttpClient http, TrackerSettings settings, long left, int shuffleSeed)
        => ActorProps.Of(() => new TrackerClient(infoHash, tiers, peerId, port, peers, http, settings, new UpdateTotals(0, 0, left), (int?)shuffleSeed, null, null));

    /// <summary>A UDP child that throws is stopped (its requests are failed on Terminated) and made again on next use.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart()
    {
        if (_publicPort is not null) Context.System.EventStream.Subscribe(Self, typeof(PublicPort.Changed));
        Self.Tell(AnnounceNow.Instance);
    }

    protected override void PostStop()
    {
        if (_publicPort is not null) Context.System.EventStream.Unsubscribe(Self);
        base.PostStop();
    }

    private int PortToAnnounce => _publicPort?.Of(_port) ?? _port;

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    private IActorRef Udp()
    {
        if (_udp is null)
        {
            _udp = Context.ActorOf(UdpTrackerSocket.Props(_settings), "udp");
            Context.Watch(_udp);
        }
        return _udp;
    }

    private void OnAnnounceNow()
    {
        if (_current is not null || _tiers.IsEmpty) return;
        _tiers.BeginRound();
        AnnounceCurrent();
    }

    private void AnnounceCurrent()
    {
        var url = _tiers.Current!;
        var ev = !_registered.Contains(url) ? AnnounceEvent.Started : _completedPending ? AnnounceEvent.Completed : AnnounceEvent.None;
        var id = ++_nextId;
        _current = new InFlight(id, url, ev);
        SendAnnounce(id, url, BuildRequest(ev));
    }

    /// <summary>Sends an announce over the URL's protocol; its answer comes back as <see cref="AnnounceResult"/> <paramref name="id"/>.</summary>
    private void SendAnnounce(long id, string url, AnnounceRequest request)
    {
        if (TrackerUrl.ProtocolOf(url) == TrackerProtocol.Udp)
            Udp().Tell(new UdpTrackerSocket.Announce(id, url, request));
        else
            HttpAnnounce(url, request, _settings.RequestTimeout).PipeTo(Self,
                success: r => new AnnounceResult(id, r, null),
                failure: e => new AnnounceResult(id, null, Describe(e)));
    }

    /// <summary>The wait after the <paramref name="failures"/>-th failure in a row: <see cref="TrackerSettings.RetryBase"/> · 2ⁿ⁻¹, at most <see cref="TrackerSettings.RetryMax"/>.</summary>
    private TimeSpan Backoff(int failures) =>
        TimeSpan.FromTicks(Math.Min(_settings.RetryBase.Ticks * (1L << Math.Min(failures - 1, 16)), _settings.RetryMax.Ticks));

    private AnnounceRequest BuildRequest(AnnounceEvent ev) => new(
        InfoHash: _infoHash, PeerId: _peerId, Port: _sentPort = PortToAnnounce, Uploaded: _uploaded, Downloaded: _downloaded, Left: _left,
        Event: ev, NumWant: ev == AnnounceEvent.Stopped ? 0 : _settings.NumWant, Key: _key, TrackerId: _trackerId);

    private void OnAnnounceResult(AnnounceResult r)
    {
        if (OnV2Result(r)) return;
        if (_current is not { } current || current.Id != r.Id) return; // a late answer to an abandoned request
        _current = null;
        var url = current.Url;
        var error = r.Error ?? r.Response?.FailureReason;
        if (error is not null)
        {
            _states[url] = _states[url] with { Status = "error", Error = error, LastAnnounce = Now };
            Context.GetLogger().Info("tracker {0}: {1}", url, error);
            if (_tiers.Failed())
            {
                AnnounceCurrent();
                return;
            }
            _roundFailures++;
            Timers.StartSingleTimer("announce", AnnounceNow.Instance, Backoff(_roundFailures));
            return;
        }
        var resp = r.Response!;
        _roundFailures = 0;
        _registered.Add(url);
        if (resp.TrackerId is not null) _trackerId = resp.TrackerId;
        if (current.Event == AnnounceEvent.Completed) _completedPending = false;
        _tiers.Succeeded(url);
        _states[url] = _states[url] with
        {
            Status = resp.WarningMessage is null ? "ok" : "warning: " + resp.WarningMessage,
            Peers = resp.Peers.Count,
            LastAnnounce = Now,
            Error = null,
            Seeders = resp.Complete ?? _states[url].Seeders,
            Leechers = resp.Incomplete ?? _states[url].Leechers,
        };
        if (resp.Peers.Count > 0) _peers.Tell(new PeerManager.AddPeers(resp.Peers));
        AnnounceV2(url, current.Event);
        var interval = resp.MinInterval is { } min && min > resp.Interval ? min : resp.Interval;
        if (interval < _settings.MinimumInterval) interval = _settings.MinimumInterval;
        if (_completedPending || PortToAnnounce != _sentPort) interval = TimeSpan.Zero;
        Timers.StartSingleTimer("announce", AnnounceNow.Instance, interval);
    }

    private List<TrackerState> States()
    {
        var list = new List<TrackerState>(_states.Count);
        for (var t = 0; t < _tiers.Tiers.Count; t++)
            foreach (var url in _tiers.Tiers[t])
                list.Add(_states[url] with { Tier = t });
        foreach (var (url, state) in _states)
            if (_tiers.TierOf(url) < 0) list.Add(state);
        return list;
    }

    private void OnScrape()
    {
        var urls = new List<string>();
        foreach (var tier in _tiers.Tiers) urls.AddRange(tier);
        var collector = new ScrapeCollector(Sender, urls.Count);
        if (urls.Count == 0)
        {
            Sender.Tell(new ScrapeResult([]));
            return;
        }
        foreach (var url in urls)
        {
            var id = ++_nextId;
            _scrapes[id] = (collector, url);
            if (TrackerUrl.ProtocolOf(url) == TrackerProtocol.Udp)
                Udp().Tell(new UdpTrackerSocket.Scrape(id, url, [_infoHash]));
            else
                HttpScrape(url).PipeTo(Self,
                    success: s => new ScrapeDone(id, s, null),
                    failure: e => new ScrapeDone(id, null, Describe(e)));
        }
    }

    private void OnScrapeDone(ScrapeDone m)
    {
        if (!_scrapes.Remove(m.Id, out var pending)) return;
        var (collector, url) = pending;
        TrackerScrape result;
        if (m.Error is not null || m.Response is null) result = new TrackerScrape(url, null, m.Error ?? "no answer");
        else if (m.Response.FailureReason is { } failure) result = new TrackerScrape(url, null, failure);
        else
        {
            // A tracker that has no swarm for the torrent may leave it out: that is zero peers.
            var stats = m.Response.Files.TryGetValue(_infoHash, out var s) ? s : new ScrapeStats(0, 0, 0, null);
            result = new TrackerScrape(url, stats, null);
            _states[url] = _states[url] with { Seeders = stats.Complete, Leechers = stats.Incomplete, Completed = stats.Downloaded, LastScrape = Now };
        }
        collector.Results[url] = result;
        if (collector.Results.Count < collector.Expected) return;
        var ordered = new List<TrackerScrape>(collector.Expected);
        foreach (var tier in _tiers.Tiers)
            foreach (var u in tier)
                if (collector.Results.TryGetValue(u, out var r)) ordered.Add(r);
        collector.ReplyTo.Tell(new ScrapeResult(ordered));
    }

    private void OnUdpTerminated(IActorRef actor)
    {
        if (!actor.Equals(_udp)) return;
        _udp = null;
        if (_current is { } c && TrackerUrl.ProtocolOf(c.Url) == TrackerProtocol.Udp)
            OnAnnounceResult(new AnnounceResult(c.Id, null, "the UDP tracker socket failed"));
        foreach (var (id, pending) in _scrapes.ToArray())
            if (TrackerUrl.ProtocolOf(pending.Url) == TrackerProtocol.Udp)
                OnScrapeDone(new ScrapeDone(id, null, "the UDP tracker socket failed"));
    }

    private void OnStop()
    {
        Timers.CancelAll();
        var replyTo = new List<IActorRef> { Sender };
        var waiting = new HashSet<long>();
        foreach (var tier in _tiers.Tiers)
            foreach (var url in tier)
            {
                if (!_registered.Contains(url)) continue;
                var id = ++_nextId;
                waiting.Add(id);
                var request = BuildRequest(AnnounceEvent.Stopped);
                SendStopped(id, url, request);
                if (_v2 is not { } v2) continue;
                waiting.Add(++_nextId);
                SendStopped(_nextId, url, request with { InfoHash = v2 });
            }
        void Finish()
        {
            foreach (var r in replyTo) r.Tell(new Stopped());
            Context.Stop(Self);
        }
        if (waiting.Count == 0)
        {
            Finish();
            return;
        }
        // The UDP child must live until its stopped announce is out: the client stops itself (and it) when done.
        Timers.StartSingleTimer("stop-deadline", StopDeadline.Instance, _settings.StopTimeout);
        _behaviour = Stopping;

        bool Stopping(object message)
        {
            switch (message)
            {
                case StopDone m:
                    if (waiting.Remove(m.Id) && waiting.Count == 0) Finish();
                    return true;
                case UdpTrackerSocket.AnnounceReply m:
                    if (waiting.Remove(m.Id) && waiting.Count == 0) Finish();
                    return true;
                case StopDeadline: Finish(); return true;
                case Stop: replyTo.Add(Sender); return true;
                case GetTrackers: Sender.Tell(States()); return true;
                default:
                    return true; // anything else: dropped
            }
        }
    }
}
