using System.Net;

namespace Engine.Resolving;

/// <summary>
/// Host-name lookups that never hold a thread-pool thread. On Linux <c>getaddrinfo</c> blocks the thread it runs on, and
/// <see cref="Dns.GetHostAddressesAsync(string)"/> runs it on a pool thread: a torrent with thirty tracker names that a
/// dead resolver never answers held every pool thread of a 2-core machine for 18 s (docs/decisions.md, "Host-name
/// lookups"), and every socket continuation and actor of the engine waited with them. Here each lookup runs on one of at
/// most <see cref="MaxThreads"/> threads of its own (more wait in a queue), one lookup per name is in flight however
/// many ask, and answers are kept for a while: <see cref="Found"/> for an answer, <see cref="Failed"/> for an error.
/// </summary>
internal sealed class HostLookup
{
    public const int MaxThreads = 8;
    public const int MaxNames = 1024;
    public static readonly TimeSpan Found = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan Failed = TimeSpan.FromSeconds(30);

    /// <summary>The engine's lookups: <see cref="Dns.GetHostAddresses(string)"/> on threads of their own.</summary>
    public static HostLookup Shared { get; } = new(Dns.GetHostAddresses, () => Environment.TickCount64);

    private readonly Func<string, IPAddress[]> _resolve;
    private readonly Func<long> _nowMs;
    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<(string Host, Entry Entry)> _waiting = new();
    private int _threads;

    private sealed class Entry
    {
        public readonly TaskCompletionSource<IPAddress[]> Answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public long ExpiresAtMs = long.MaxValue;
    }

    /// <param name="resolve">The blocking lookup (tests pass their own).</param>
    /// <param name="nowMs">A monotonic clock in milliseconds, for how long answers are kept.</param>
    public HostLookup(Func<string, IPAddress[]> resolve, Func<long> nowMs)
    {
        _resolve = resolve;
        _nowMs = nowMs;
    }

    /// <summary>Number of lookup threads running now.</summary>
    public int Threads { get { lock (_gate) return _threads; } }

    /// <summary>
    /// The addresses of <paramref name="host"/> (an address literal is its own answer). Throws what the lookup threw
    /// (a <see cref="System.Net.Sockets.SocketException"/> for an unknown name), <see cref="TimeoutException"/> after
    /// <paramref name="timeout"/>, or <see cref="OperationCanceledException"/>; a lookup given up on still runs to its end
    /// on its thread and its answer is kept for the next caller.
    /// </summary>
    public Task<IPAddress[]> ResolveAsync(string host, TimeSpan timeout, CancellationToken ct = default)
    {
        if (IPAddress.TryParse(host, out var literal)) return Task.FromResult(new[] { literal });
        Task<IPAddress[]> answer;
        lock (_gate)
        {
            var now = _nowMs();
            if (!_names.TryGetValue(host, out var entry) || entry.ExpiresAtMs <= now)
            {
                if (_names.Count >= MaxNames) Forget(now);
                entry = new Entry();
                _names[host] = entry;
                if (_threads < MaxThreads)
                {
                    _threads++;
                    var first = (host, entry);
                    new Thread(() => Run(first)) { IsBackground = true, Name = "host lookup" }.Start();
                }
                else _waiting.Enqueue((host, entry));
            }
            answer = entry.Answer.Task;
        }
        return answer.WaitAsync(timeout, ct);
    }

    private void Run((string Host, Entry Entry) job)
    {
        while (true)
        {
            IPAddress[]? addresses = null;
            Exception? error = null;
            try { addresses = _resolve(job.Host); }
            catch (Exception e) { error = e; }
            lock (_gate)
            {
                job.Entry.ExpiresAtMs = _nowMs() + (long)(error is null ? Found : Failed).TotalMilliseconds;
                if (!_waiting.TryDequeue(out var next)) _threads--;
                Complete(job.Entry, addresses, error);
                if (next.Entry is null) return;
                job = next;
            }
        }
    }

    private static void Complete(Entry entry, IPAddress[]? addresses, Exception? error)
    {
        if (error is null) entry.Answer.SetResult(addresses ?? []);
        else entry.Answer.SetException(error);
    }

    /// <summary>Drops expired answers, then (if still full) every finished one; lookups in flight stay.</summary>
    private void Forget(long now)
    {
        List<string>? gone = null;
        foreach (var (name, entry) in _names)
            if (entry.ExpiresAtMs <= now) (gone ??= []).Add(name);
        if (gone is null || _names.Count - gone.Count >= MaxNames)
            foreach (var (name, entry) in _names)
                if (entry.Answer.Task.IsCompleted) (gone ??= []).Add(name);
        if (gone is null) return;
        foreach (var name in gone) _names.Remove(name);
    }
}
