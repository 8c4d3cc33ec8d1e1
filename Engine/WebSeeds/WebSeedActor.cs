using System.Net;
using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Akka.Event;
using Engine.Actors;
using Engine.Buffers;
using Engine.Core.Diagnostics;
using Engine.Core.Primitives;
using Engine.Core.WebSeeds;
using Engine.Core.Wire;
using Engine.Pieces;

namespace Engine.WebSeeds;

/// <summary>
/// One web seed (BEP 19) of one torrent, to the <see cref="PieceManager"/> a peer like any other: it joins under an
/// address of its own (<see cref="KeyFor"/>), has every piece, asks for blocks and delivers them as
/// <see cref="PieceManager.BlocksArrived"/>, so verification and smart ban treat its data as a peer's. The blocks it
/// is given are cut into runs of contiguous bytes (<see cref="WebSeedRun"/>), each fetched by one task with HTTP range
/// requests (WebSeedActor.Fetch.cs) — up to <see cref="WebSeedSettings.MaxInFlight"/> at once, never on the actor
/// thread — which tells the blocks back as they fill. A failed request gives its blocks back and backs off
/// (<see cref="WebSeedBackoff"/>); too many failures in a row, or a ban for wrong data, stop it. Its parent (the
/// PeerManager) hears its figures every second (<see cref="Report"/>) and its end (<see cref="Ended"/>).
/// </summary>
internal sealed partial class WebSeedActor : UntypedActor, IWithTimers
{
    /// <summary>Told to the parent every second.</summary>
    public sealed record Report(string Url, IPEndPoint Key, double DownloadRate, long Downloaded, bool Interested, DateTimeOffset StartedAt,
        DateTimeOffset LastBlockAt, string? LastError);

    /// <summary>Told to the parent when the web seed stops, with why.</summary>
    public sealed record Ended(string Url, IPEndPoint Key, string Reason, bool Banned, long Downloaded);

    private sealed class Tick { public static readonly Tick Instance = new(); }
    private sealed record Fetched(int Job, PieceMessage[] Blocks);
    private sealed record JobEnded(int Job, string? Error, TimeSpan? RetryAfter);

    private sealed class Job(WebSeedRun run)
    {
        public WebSeedRun Run { get; } = run;
        public CancellationTokenSource Cancel { get; } = new();
    }

    private readonly WebSeedContext _ctx;
    private readonly string _url;
    private readonly IPEndPoint _key;
    private readonly HttpClient _http;
    private readonly DiskCredit _credit;
    private readonly WebSeedBackoff _backoff;
    private readonly RateMeter _rate = new();
    private readonly HashSet<BlockRequest> _claimed = new();   // given to us by the PieceManager, not delivered yet
    private readonly Queue<WebSeedRun> _queued = new();
    private readonly Dictionary<int, Job> _jobs = new();
    private readonly DateTimeOffset _startedAt;
    private DateTimeOffset _lastBlockAt;
    private int _nextJob;
    private bool _joined, _interested, _asking, _banned;
    private string _endReason = "stopped";
    private string? _lastError;

    public WebSeedActor(WebSeedContext ctx, string url)
    {
        _ctx = ctx;
        _url = url;
        _key = KeyFor(url);
        _http = CreateClient(ctx.Settings);
        _credit = new DiskCredit(ctx.DiskCreditBlocks, ctx.DiskBudget);
        _backoff = new WebSeedBackoff(ctx.Settings.FirstRetry, ctx.Settings.LongestRetry, ctx.Settings.MaxFailures);
        _startedAt = Now;
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case PieceManager.Welcome:
                _joined = true;
                _ctx.PieceManager.Tell(new PieceManager.PeerHaveAll());
                ReportFigures(); // listed among the peers from now on
                break;
            case PieceManager.Interest m:
                _interested = m.Interested;
                // The tick runs only while there is something to fetch: a complete torrent's web seed costs no timer.
                if (m.Interested) Timers.StartPeriodicTimer("tick", Tick.Instance, TimeSpan.FromSeconds(1));
                else Timers.Cancel("tick");
                ReportFigures();
                TopUp();
                break;
            case PieceManager.BlocksAssigned m: OnAssigned(m); break;
            case Fetched m: OnFetched(m); break;
            case JobEnded m: OnJobEnded(m); break;
            case PieceManager.BanPeer m:
                _banned = true;
                Stop("banned: " + m.Reason);
                break;
            case Tick:
                TopUp();
                StartJobs();
                ReportFigures();
                break;
            // A range in flight cannot be cancelled block by block: a block another peer sent first is dropped as a duplicate.
            case PieceManager.CancelBlock: break;
            case PieceManager.HaveBroadcast: break;
            case PieceManager.PieceGone: break;
            default: Unhandled(message); break;
        }
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(WebSeedContext ctx, string url) => ActorProps.Of(() => new WebSeedActor(ctx, url));

    /// <summary>
    /// The address that stands for a web seed wherever a peer's would (smart ban, the ban list, the peers' list): an
    /// address of the IPv6 discard prefix 100::/64 made from the URL's SHA-1, so the same URL is the same "peer".
    /// </summary>
    public static IPEndPoint KeyFor(string url)
    {
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes(url));
        var bytes = new byte[16];
        bytes[0] = 0x01;
        hash.AsSpan(0, 8).CopyTo(bytes.AsSpan(8));
        return new IPEndPoint(new IPAddress(bytes), 0);
    }

    /// <summary>The peer id it joins the PieceManager with (never sent anywhere).</summary>
    private static readonly PeerId WebSeedId = PeerId.FromBytes("-WS0000-webseed00000"u8);

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    protected override void PreStart()
    {
        _ctx.PieceManager.Tell(new PieceManager.PeerJoined(WebSeedId, _key, CanCancel: false));
    }

    protected override void PostStop()
    {
        foreach (var job in _jobs.Values) job.Cancel.Cancel();
        _jobs.Clear();
        _credit.Close();
        _http.Dispose();
        // Claimed blocks go back through the PieceManager's watch on us.
        Context.Parent.Tell(new Ended(_url, _key, _endReason, _banned, _rate.Total));
    }

    private void ReportFigures()
        => Context.Parent.Tell(new Report(_url, _key, _rate.Rate(Now), _rate.Total, _interested, _startedAt, _lastBlockAt, _lastError));

    private void Stop(string reason)
    {
        _endReason = reason;
        Context.GetLogger().Info("web seed {0} stops: {1}", _url, reason);
        Context.Stop(Self);
    }

    /// <summary>Asks for blocks while interested, not backing off, and a request's worth of the window is free.</summary>
    private void TopUp()
    {
        if (!_joined || !_interested || _asking || !_backoff.MayAsk(Now)) return;
        var free = _ctx.Settings.Window - _claimed.Count;
        if (free < _ctx.Settings.Window / _ctx.Settings.MaxInFlight && _claimed.Count > 0) return;
        _asking = true;
        _ctx.PieceManager.Tell(new PieceManager.RequestBlocks(free));
    }

    private void OnAssigned(PieceManager.BlocksAssigned m)
    {
        _asking = false;
        if (m.Blocks.Length == 0) return; // nothing to fetch now: the next tick asks again
        foreach (var b in m.Blocks) _claimed.Add(b);
        foreach (var run in WebSeedRun.Group(m.Blocks, _ctx.Layout, _ctx.Settings.MaxRunBytes)) _queued.Enqueue(run);
        StartJobs();
    }

    private void StartJobs()
    {
        while (_jobs.Count < _ctx.Settings.MaxInFlight && _queued.Count > 0 && _backoff.MayAsk(Now))
        {
            var job = new Job(_queued.Dequeue());
            var id = _nextJob++;
            _jobs.Add(id, job);
            var self = Self;
            Task.Run(() => FetchAsync(id, job.Run, self, job.Cancel.Token)).PipeTo(Self);
        }
    }

    private void OnFetched(Fetched m)
    {
        if (!_jobs.ContainsKey(m.Job) || _banned)
        {
            foreach (var b in m.Blocks) b.Data.Release();
            _credit.Release(m.Blocks.Length);
            return;
        }
        long bytes = 0;
        foreach (var b in m.Blocks)
        {
            _claimed.Remove(b.Block);
            bytes += b.Length;
        }
        _rate.Add(bytes, Now);
        _lastBlockAt = Now;
        // Buffers and credits pass to the PieceManager, then storage, as a peer's do.
        _ctx.PieceManager.Tell(new PieceManager.BlocksArrived(m.Blocks, _credit));
    }

    private void OnJobEnded(JobEnded m)
    {
        if (!_jobs.Remove(m.Job, out var job)) return;
        job.Cancel.Dispose();
        if (m.Error is null)
        {
            _backoff.Succeeded();
            StartJobs();
            TopUp();
            return;
        }
        _lastError = m.Error;
        var wait = _backoff.Failed(Now, m.RetryAfter);
        // What it had not delivered, and every run still waiting, goes back to the picker for others (or for later).
        var released = new List<BlockRequest>();
        foreach (var b in job.Run.Blocks)
            if (_claimed.Remove(b)) released.Add(b);
        while (_queued.TryDequeue(out var run))
            foreach (var b in run.Blocks)
                if (_claimed.Remove(b)) released.Add(b);
        if (released.Count > 0) _ctx.PieceManager.Tell(new PieceManager.ReleaseBlocks(released.ToArray()));
        if (_backoff.GaveUp)
        {
            Stop($"{_backoff.Failures} failures in a row, the last: {m.Error}");
            return;
        }
        Context.GetLogger().Warning("web seed {0}: {1}; asking again in {2:0.#} s", _url, m.Error, wait.TotalSeconds);
        Timers.StartSingleTimer("retry", Tick.Instance, wait);
    }
}
