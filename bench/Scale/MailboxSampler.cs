using System.Diagnostics;
using Akka.Actor;
using Engine.Api;
using Engine.Buffers;
using Engine.Peers;

namespace Engine.Bench.Scale;

/// <summary>
/// Samples, every <c>interval</c> on a thread of its own, the number of messages queued in the mailbox of every actor
/// under /user (Akka.NET: <see cref="ActorRefWithCell.Underlying"/>'s <see cref="ICell.NumberOfMessages"/>, children
/// through <see cref="ActorRefWithCell.Children"/>), grouped by the actor's class, plus two queues a mailbox does not
/// show: the bytes each outbound socket actor has handed to its write loop and not yet sent (the engine's internal
/// <c>PeerOutbound.QueuedBytes</c>; the actor instance comes from Akka's internal <c>ActorCell.Actor</c>, read by
/// reflection — without it that row is left out, with a warning), and the engine's disk budget in flight: blocks
/// received and not yet written and hashed, every torrent's disk worker and hashing stage together; and, to tell a
/// starved thread pool from a slow actor, the .NET thread pool's queued work items and threads.
/// </summary>
public sealed class MailboxSampler : IDisposable
{
    private static readonly System.Reflection.PropertyInfo? ActorProperty =
        typeof(ActorCell).GetProperty("Actor", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public);

    private readonly ExtendedActorSystem _system;
    private readonly DiskBudget? _diskBudget;
    private readonly TimeSpan _interval;
    private readonly Stopwatch _clock;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new();
    private readonly Dictionary<string, KindSamples> _kinds = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly Dictionary<string, Dictionary<string, long>> _queued = new(StringComparer.Ordinal); // under _gate

    public MailboxSampler(TorrentEngine engine, TimeSpan interval, Stopwatch clock)
    {
        _system = (ExtendedActorSystem)engine.System;
        _diskBudget = engine.Context.DiskBudget;
        _interval = interval;
        _clock = clock;
        _thread = new Thread(Run) { IsBackground = true, Name = "mailbox-sampler" };
    }

    /// <summary>How long the last walk over every actor took (the sampler's own cost).</summary>
    public TimeSpan LastWalk { get; private set; }

    public void Start()
    {
        if (ActorProperty is null) Console.Error.WriteLine("[scale] Akka's ActorCell.Actor not found: the outbound bytes queued are not sampled");
        _thread.Start();
    }

    /// <summary>Every kind's samples so far (copies).</summary>
    public IReadOnlyList<KindSamples> Snapshot()
    {
        lock (_gate)
        {
            return _kinds.Values.Select(k => k.Copy(_queued.GetValueOrDefault(k.Kind)))
                .OrderBy(k => k.Kind, StringComparer.Ordinal).ToList();
        }
    }

    private void Run()
    {
        var depths = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var queued = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        while (!_stop.Wait(_interval))
        {
            var started = Stopwatch.GetTimestamp();
            foreach (var list in depths.Values) list.Clear();
            queued.Clear();
            Walk(_system.Guardian, depths, queued);
            if (_diskBudget is not null) Depths(depths, "disk budget: blocks in flight to disk and hashing").Add(_diskBudget.InFlight);
            Depths(depths, "thread pool: work items queued").Add((int)Math.Min(int.MaxValue, ThreadPool.PendingWorkItemCount));
            Depths(depths, "thread pool: threads").Add(ThreadPool.ThreadCount);
            var at = _clock.Elapsed.TotalSeconds;
            lock (_gate)
            {
                foreach (var (kind, list) in depths)
                {
                    if (!_kinds.TryGetValue(kind, out var samples)) _kinds[kind] = samples = new KindSamples(kind);
                    samples.Add(at, list);
                }
                foreach (var (kind, counts) in queued)
                {
                    var total = Queued(_queued, kind);
                    foreach (var (type, n) in counts) total[type] = total.GetValueOrDefault(type) + n;
                }
            }
            LastWalk = Stopwatch.GetElapsedTime(started);
        }
    }

    private static void Walk(IActorRef actor, Dictionary<string, List<int>> depths, Dictionary<string, Dictionary<string, long>> queued)
    {
        if (actor is not ActorRefWithCell withCell) return;
        var cell = withCell.Underlying;
        var kind = Kind(cell.Props?.Type, actor.Path.Name);
        var depth = cell.NumberOfMessages;
        Depths(depths, kind).Add(depth);
        if (depth >= MailboxPeek.Threshold && cell is ActorCell deep) MailboxPeek.CountTypes(deep, Queued(queued, kind));
        switch (cell is ActorCell ac ? ActorProperty?.GetValue(ac) : null)
        {
            case PeerOutbound outbound:
                Depths(depths, "PeerOutbound: KiB queued to send").Add((int)(outbound.QueuedBytes / 1024));
                break;
        }
        foreach (var child in withCell.Children) Walk(child, depths, queued);
    }

    /// <summary>The actor's class; for props that name only a base class (ActorBase), its name without the "-n" suffix.</summary>
    private static string Kind(Type? type, string name)
    {
        if (type is { IsAbstract: false }) return type.Name;
        var dash = name.LastIndexOf('-');
        return $"{type?.Name ?? "?"} '{(dash > 0 && int.TryParse(name.AsSpan(dash + 1), out _) ? name[..dash] : name)}'";
    }

    private static Dictionary<string, long> Queued(Dictionary<string, Dictionary<string, long>> queued, string kind)
    {
        if (!queued.TryGetValue(kind, out var counts)) queued[kind] = counts = new Dictionary<string, long>(StringComparer.Ordinal);
        return counts;
    }

    private static List<int> Depths(Dictionary<string, List<int>> depths, string kind)
    {
        if (!depths.TryGetValue(kind, out var list)) depths[kind] = list = [];
        return list;
    }

    public void Dispose()
    {
        _stop.Set();
        _thread.Join(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
