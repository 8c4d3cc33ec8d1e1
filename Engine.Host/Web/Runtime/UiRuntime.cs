using System.Threading.Channels;
using Engine.Host.Web.Ui;

namespace Engine.Host.Web.Runtime;

/// <summary>
/// Runs the Elm loop of one browser session (one Blazor circuit): messages go through one queue, each is applied
/// with <see cref="Update.Apply"/>, the commands it returns are executed by <see cref="IUiEffects"/> and their
/// outcomes come back as messages. A 1 s timer sends <see cref="Msg.Tick"/>; the torrents' engine events are
/// watched as <see cref="Model.Subscriptions"/> says. <see cref="Changed"/> fires after each burst of messages.
/// </summary>
public sealed class UiRuntime : IAsyncDisposable
{
    private readonly Channel<Msg> _inbox = Channel.CreateUnbounded<Msg>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IUiEffects _effects;
    private readonly ILogger _log;
    private readonly TimeSpan _tick;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, CancellationTokenSource> _watches = [];
    private readonly HashSet<Cmd> _loading = [];
    private readonly Lock _gate = new();
    private Task _loop = Task.CompletedTask;
    private Task _ticker = Task.CompletedTask;
    private int _started;

    public UiRuntime(IUiEffects effects, Model initial, ILogger<UiRuntime> log, TimeSpan? tick = null)
    {
        _effects = effects;
        _log = log;
        _tick = tick ?? TimeSpan.FromSeconds(1);
        Model = initial;
    }

    /// <summary>The current model (replaced, never mutated).</summary>
    public Model Model { get; private set; }

    /// <summary>Raised on the runtime's loop after the model changed.</summary>
    public event Action<Model>? Changed;

    /// <summary>Starts the loop and the ticker (once); the first tick is sent at once.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) return;
        _loop = Task.Run(LoopAsync);
        _ticker = Task.Run(TickAsync);
        Dispatch(new Msg.Tick());
    }

    /// <summary>Queues a message (from the view, a command outcome or an engine event). Thread-safe.</summary>
    public void Dispatch(Msg msg) => _inbox.Writer.TryWrite(msg);

    private async Task LoopAsync()
    {
        var reader = _inbox.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                var before = Model;
                // Apply every message already queued before telling the view: bursts of events render once.
                while (reader.TryRead(out var msg))
                {
                    try
                    {
                        var (next, cmd) = Update.Apply(Model, msg);
                        Model = next;
                        Execute(cmd);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        _log.LogError(e, "update failed for {Msg}", msg);
                    }
                }
                SyncWatches();
                if (!ReferenceEquals(before, Model)) Notify();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private void Notify()
    {
        try
        {
            Changed?.Invoke(Model);
        }
        catch (Exception e)
        {
            _log.LogError(e, "a view failed to take the new model");
        }
    }

    private void Execute(Cmd cmd)
    {
        switch (cmd)
        {
            case Cmd.NoneCmd:
                return;
            case Cmd.BatchCmd batch:
                foreach (var c in batch.Cmds) Execute(c);
                return;
            case Cmd.LoadTorrents or Cmd.LoadDetails or Cmd.LoadCluster:
                // A poll still running when the next tick asks again is not started twice.
                lock (_gate)
                    if (!_loading.Add(cmd)) return;
                _ = RunAsync(cmd, () => { lock (_gate) _loading.Remove(cmd); });
                return;
            default:
                _ = RunAsync(cmd, null);
                return;
        }
    }

    private async Task RunAsync(Cmd cmd, Action? done)
    {
        try
        {
            var outcome = await _effects.RunAsync(cmd, _stop.Token).ConfigureAwait(false);
            done?.Invoke();
            Dispatch(outcome);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            done?.Invoke();
            _log.LogError(e, "command {Cmd} failed", cmd);
        }
    }

    private void SyncWatches()
    {
        var wanted = Model.Subscriptions();
        foreach (var (hash, cts) in _watches.ToList())
        {
            if (wanted.Contains(hash)) continue;
            _watches.Remove(hash);
            try { cts.Cancel(); }
            catch (ObjectDisposedException) { } // its stream had ended already

        }
        foreach (var hash in wanted)
        {
            if (_watches.ContainsKey(hash)) continue;
            var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            _watches[hash] = cts;
            _ = WatchAsync(hash, cts);
        }
    }

    private async Task WatchAsync(string hash, CancellationTokenSource cts)
    {
        var token = cts.Token;
        try
        {
            await foreach (var msg in _effects.WatchAsync(hash, token).ConfigureAwait(false))
                Dispatch(msg);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _log.LogDebug(e, "event stream of {Hash} ended", hash);
        }
        finally
        {
            cts.Dispose();
        }
    }

    private async Task TickAsync()
    {
        using var timer = new PeriodicTimer(_tick);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
                Dispatch(new Msg.Tick());
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        _inbox.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_loop, _ticker).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _log.LogWarning("the UI loop did not stop within 5 s");
        }
        _watches.Clear();
    }
}
