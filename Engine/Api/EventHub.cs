using System.Threading.Channels;
using Engine.Events;

namespace Engine.Api;

/// <summary>
/// Fans one torrent's events out to any number of readers: channels (for <see cref="TorrentHandle.Events"/>) and
/// observers (for <see cref="TorrentHandle.AsObservable"/>). A new reader first gets the latest <see cref="StateChanged"/>,
/// then the <see cref="Completed"/> (or <see cref="Failed"/>) event if the torrent has already completed (or is failed). Each channel holds at most <see cref="Capacity"/> unread events (the oldest are
/// dropped), so a reader that stops reading cannot make the engine's memory grow.
/// </summary>
internal sealed class EventHub
{
    public const int Capacity = 4096;

    private readonly object _gate = new();
    private readonly List<Channel<TorrentEvent>> _channels = new();
    private readonly List<IObserver<TorrentEvent>> _observers = new();
    private StateChanged? _lastState;
    private Completed? _completedEvent;
    private Failed? _failedEvent;
    private bool _completed;

    public void Publish(TorrentEvent e)
    {
        Channel<TorrentEvent>[] channels;
        IObserver<TorrentEvent>[] observers;
        lock (_gate)
        {
            if (_completed) return;
            if (e is StateChanged s)
            {
                // The handle reports Stopped itself when a stop completes; the actor's own report may come later.
                if (_lastState?.State == s.State) return;
                _lastState = s;
                if (s.State != TorrentState.Error) _failedEvent = null;
            }
            else if (e is Completed c) _completedEvent = c;
            else if (e is Failed f) _failedEvent = f;
            channels = _channels.ToArray();
            observers = _observers.ToArray();
        }
        foreach (var c in channels) c.Writer.TryWrite(e);
        foreach (var o in observers) o.OnNext(e);
    }

    public Channel<TorrentEvent> Open()
    {
        var channel = Channel.CreateBounded<TorrentEvent>(new BoundedChannelOptions(Capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_gate)
        {
            foreach (var e in Replay()) channel.Writer.TryWrite(e);
            if (_completed) channel.Writer.TryComplete();
            else _channels.Add(channel);
        }
        return channel;
    }

    public void Close(Channel<TorrentEvent> channel)
    {
        lock (_gate) _channels.Remove(channel);
        channel.Writer.TryComplete();
    }

    public IDisposable Subscribe(IObserver<TorrentEvent> observer)
    {
        List<TorrentEvent> replay;
        bool completed;
        lock (_gate)
        {
            replay = Replay();
            completed = _completed;
            if (!completed) _observers.Add(observer);
        }
        foreach (var e in replay) observer.OnNext(e);
        if (completed) observer.OnCompleted();
        return new Unsubscriber(this, observer);
    }

    private List<TorrentEvent> Replay()
    {
        var list = new List<TorrentEvent>(3);
        if (_lastState is not null) list.Add(_lastState);
        if (_completedEvent is not null) list.Add(_completedEvent);
        if (_failedEvent is not null) list.Add(_failedEvent);
        return list;
    }

    /// <summary>Ends every stream (the torrent was removed or the engine stopped).</summary>
    public void Complete()
    {
        Channel<TorrentEvent>[] channels;
        IObserver<TorrentEvent>[] observers;
        lock (_gate)
        {
            if (_completed) return;
            _completed = true;
            channels = _channels.ToArray();
            observers = _observers.ToArray();
            _channels.Clear();
            _observers.Clear();
        }
        foreach (var c in channels) c.Writer.TryComplete();
        foreach (var o in observers) o.OnCompleted();
    }

    private sealed class Unsubscriber(EventHub hub, IObserver<TorrentEvent> observer) : IDisposable
    {
        public void Dispose()
        {
            lock (hub._gate) hub._observers.Remove(observer);
        }
    }
}
