using Akka.Event;
using System.Net;
using Akka.Actor;
using Engine.Peers;
using Engine.Primitives;

namespace Engine.Trackers;

/// <summary>
/// Announces one torrent to its trackers (BEP 3/23 over HTTP; tiers tried in order per BEP 12) and
/// feeds the peers it learns to the PeerManager. Re-announces on the tracker's interval; failures move to
/// the next tracker and then back off exponentially (15 s · 2ⁿ, at most 30 min) — a tracker never
/// crashes the torrent. HTTP runs on the thread pool and the result is piped back.
/// </summary>
public sealed class TrackerClient : ReceiveActor, IWithTimers
{
    /// <summary>Transfer totals for the next announce (the torrent pushes them).</summary>
    public sealed record UpdateTotals(long Uploaded, long Downloaded, long Left);
    /// <summary>The download finished: announce <c>completed</c> now.</summary>
    public sealed record Completed;
    /// <summary>Announce <c>stopped</c> (bounded by <see cref="TrackerSettings.StopTimeout"/>); replies <see cref="Stopped"/>.</summary>
    public sealed record Stop;
    public sealed record Stopped;
    /// <summary>Replies a list of <see cref="TrackerState"/>.</summary>
    public sealed record GetTrackers;
    public sealed record TrackerState(string Url, string Status, int Peers, DateTimeOffset? LastAnnounce, string? Error);

    private sealed class AnnounceNow { public static readonly AnnounceNow Instance = new(); }
    private sealed record AnnounceResult(string Url, AnnounceEvent Event, AnnounceResponse? Response, string? Error);

    private readonly PeerId _peerId;
    private readonly InfoHash _infoHash;
    private readonly int _port;
    private readonly IActorRef _peers;
    private readonly HttpClient _http;
    private readonly TrackerSettings _settings;
    private readonly List<List<string>> _tiers;
    private readonly Dictionary<string, TrackerState> _states = new();
    private readonly uint _key = (uint)Random.Shared.Next();
    private long _uploaded, _downloaded, _left;
    private int _tier, _index, _failures;
    private bool _inFlight, _startedSent, _completedPending;
    private string? _trackerId, _workingUrl;

    public TrackerClient(InfoHash infoHash, IReadOnlyList<IReadOnlyList<string>> tiers, PeerId peerId, int port, IActorRef peers, HttpClient http, TrackerSettings settings, long left)
    {
        _infoHash = infoHash;
        _peerId = peerId;
        _port = port;
        _peers = peers;
        _http = http;
        _settings = settings;
        _left = left;
        _tiers = new List<List<string>>();
        foreach (var tier in tiers)
        {
            var list = new List<string>();
            foreach (var url in tier)
                if (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                {
                    list.Add(url);
                    _states[url] = new TrackerState(url, "waiting", 0, null, null);
                }
                else _states[url] = new TrackerState(url, "unsupported scheme", 0, null, null);
            Shuffle(list);
            if (list.Count > 0) _tiers.Add(list);
        }

        Receive<UpdateTotals>(m => (_uploaded, _downloaded, _left) = (m.Uploaded, m.Downloaded, m.Left));
        Receive<AnnounceNow>(_ => Announce());
        Receive<AnnounceResult>(OnResult);
        Receive<Completed>(_ =>
        {
            _left = 0;
            _completedPending = true;
            if (!_inFlight) Announce();
        });
        Receive<GetTrackers>(_ => Sender.Tell(new List<TrackerState>(_states.Values)));
        Receive<Stop>(_ => OnStop());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(InfoHash infoHash, IReadOnlyList<IReadOnlyList<string>> tiers, PeerId peerId, int port, IActorRef peers, HttpClient http, TrackerSettings settings, long left)
        => Akka.Actor.Props.Create(() => new TrackerClient(infoHash, tiers, peerId, port, peers, http, settings, left));

    protected override void PreStart() => Self.Tell(AnnounceNow.Instance);

    private void Announce()
    {
        if (_inFlight || _tiers.Count == 0) return;
        var url = _tiers[_tier][_index];
        var ev = !_startedSent ? AnnounceEvent.Started : _completedPending ? AnnounceEvent.Completed : AnnounceEvent.None;
        var request = BuildRequest(ev);
        _inFlight = true;
        Send(url, request, _settings.RequestTimeout).PipeTo(Self,
            success: r => new AnnounceResult(url, ev, r, null),
            failure: e => new AnnounceResult(url, ev, null, Describe(e)));
    }

    private AnnounceRequest BuildRequest(AnnounceEvent ev) => new(
        InfoHash: _infoHash, PeerId: _peerId, Port: _port, Uploaded: _uploaded, Downloaded: _downloaded, Left: _left,
        Event: ev, NumWant: _settings.NumWant, Key: _key, TrackerId: _trackerId);

    private async Task<AnnounceResponse> Send(string url, AnnounceRequest request, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var uri = HttpTrackerCodec.BuildAnnounceUri(url, request);
        using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new TrackerException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        var body = await ReadLimited(response, _settings.MaxResponseBytes, cts.Token).ConfigureAwait(false);
        return HttpTrackerCodec.ParseAnnounceResponse(body);
    }

    private static async Task<byte[]> ReadLimited(HttpResponseMessage response, int limit, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var ms = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int n;
        while ((n = await stream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            if (ms.Length + n > limit) throw new TrackerException($"response larger than {limit} bytes");
            ms.Write(buffer, 0, n);
        }
        return ms.ToArray();
    }

    private void OnResult(AnnounceResult r)
    {
        _inFlight = false;
        var now = Context.System.Scheduler.Now;
        var error = r.Error ?? r.Response?.FailureReason;
        if (error is not null)
        {
            _states[r.Url] = _states[r.Url] with { Status = "error", Error = error, LastAnnounce = now };
            Context.GetLogger().Info("tracker {0}: {1}", r.Url, error);
            NextTracker();
            return;
        }
        var resp = r.Response!;
        _failures = 0;
        _workingUrl = r.Url;
        if (resp.TrackerId is not null) _trackerId = resp.TrackerId;
        if (r.Event == AnnounceEvent.Started) _startedSent = true;
        if (r.Event == AnnounceEvent.Completed) _completedPending = false;
        // A tracker that answers moves to the front of its tier (BEP 12).
        var tier = _tiers[_tier];
        tier.RemoveAt(_index);
        tier.Insert(0, r.Url);
        _index = 0;
        _states[r.Url] = new TrackerState(r.Url, resp.WarningMessage is null ? "ok" : "warning: " + resp.WarningMessage, resp.Peers.Count, now, null);
        if (resp.Peers.Count > 0) _peers.Tell(new PeerManager.AddPeers(resp.Peers));
        var interval = resp.MinInterval is { } min && min > resp.Interval ? min : resp.Interval;
        if (interval < _settings.MinimumInterval) interval = _settings.MinimumInterval;
        if (_completedPending) interval = TimeSpan.Zero;
        Timers.StartSingleTimer("announce", AnnounceNow.Instance, interval);
    }

    private void NextTracker()
    {
        _index++;
        if (_index >= _tiers[_tier].Count)
        {
            _index = 0;
            _tier++;
        }
        if (_tier < _tiers.Count)
        {
            Self.Tell(AnnounceNow.Instance);
            return;
        }
        _tier = 0;
        _failures++;
        var delay = TimeSpan.FromTicks(Math.Min(_settings.RetryBase.Ticks * (1L << Math.Min(_failures - 1, 16)), _settings.RetryMax.Ticks));
        Timers.StartSingleTimer("announce", AnnounceNow.Instance, delay);
    }

    private void OnStop()
    {
        Timers.CancelAll();
        var replyTo = Sender;
        if (!_startedSent || _workingUrl is null)
        {
            replyTo.Tell(new Stopped());
            Context.Stop(Self);
            return;
        }
        var send = Send(_workingUrl, BuildRequest(AnnounceEvent.Stopped), _settings.StopTimeout);
        send.ContinueWith(_ => new Stopped(), TaskScheduler.Default).PipeTo(replyTo);
        Become(() => ReceiveAny(_ => { }));
    }

    private static string Describe(Exception e)
    {
        var inner = e.GetBaseException();
        return inner switch
        {
            TaskCanceledException or OperationCanceledException => "timed out",
            HttpRequestException h => h.Message,
            _ => inner.Message,
        };
    }

    private static void Shuffle(List<string> list)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = Random.Shared.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}

/// <summary>Tracker client tunables.</summary>
public sealed record TrackerSettings
{
    public int NumWant { get; init; } = 80;
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(20);
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MinimumInterval { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan RetryBase { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan RetryMax { get; init; } = TimeSpan.FromMinutes(30);
    public int MaxResponseBytes { get; init; } = 2 * 1024 * 1024;
}
