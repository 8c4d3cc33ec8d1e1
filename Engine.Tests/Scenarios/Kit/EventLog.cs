using Engine.Api;
using Engine.Events;

namespace Engine.Tests.Scenarios.Kit;

/// <summary>
/// Everything one torrent reported, from the moment the log was attached (it starts with the current state).
/// Waits are bounded and fail with the events seen so far, so a failing scenario says what did happen.
/// </summary>
public sealed class EventLog : IObserver<TorrentEvent>, IDisposable
{
    private readonly List<TorrentEvent> _events = new();
    private readonly IDisposable _subscription;

    public EventLog(TorrentHandle handle)
    {
        Handle = handle;
        _subscription = handle.AsObservable().Subscribe(this);
    }

    public TorrentHandle Handle { get; }

    public IReadOnlyList<TorrentEvent> All
    {
        get { lock (_events) return _events.ToArray(); }
    }

    public IReadOnlyList<T> OfType<T>() where T : TorrentEvent => All.OfType<T>().ToList();

    /// <summary>The first event of type <typeparamref name="T"/> (matching <paramref name="match"/>) seen so far or arriving within <paramref name="timeout"/>.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null, TimeSpan? timeout = null) where T : TorrentEvent
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var found = All.OfType<T>().FirstOrDefault(e => match is null || match(e));
            if (found is not null) return found;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{Handle.Name}: no {typeof(T).Name} within {limit.TotalSeconds:0.#} s; events: {Describe()}");
            await Task.Delay(20);
        }
    }

    /// <summary>Asserts that no event of type <typeparamref name="T"/> (matching) has been seen.</summary>
    public void AssertNone<T>(Func<T, bool>? match = null) where T : TorrentEvent
    {
        var found = All.OfType<T>().FirstOrDefault(e => match is null || match(e));
        Assert.True(found is null, $"{Handle.Name}: unexpected {found}; events: {Describe()}");
    }

    public string Describe() => string.Join(", ", All.Select(e => e switch
    {
        StateChanged s => "State " + s.State,
        PieceVerified p => "Piece " + p.Piece,
        PeerConnected c => $"Connected {c.EndPoint} ({c.Client})",
        PeerDropped d => $"Dropped {d.EndPoint} ({d.Reason})",
        Failed f => "Failed: " + f.Reason,
        _ => e.GetType().Name,
    }));

    void IObserver<TorrentEvent>.OnNext(TorrentEvent value)
    {
        lock (_events) _events.Add(value);
    }

    void IObserver<TorrentEvent>.OnError(Exception error) { }
    void IObserver<TorrentEvent>.OnCompleted() { }

    public void Dispose() => _subscription.Dispose();
}
