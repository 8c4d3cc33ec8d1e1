using System.Net;
using Engine.Api;
using Engine.Events;

namespace Engine.Tests.Api;

/// <summary>Engines for API tests: 127.0.0.1 on a free port, state in a temporary directory, short redial timers.</summary>
internal static class ApiTestEngines
{
    public static TorrentEngineOptions Options(string stateDirectory) => new()
    {
        ListenOn = new IPEndPoint(IPAddress.Loopback, 0),
        StateDirectory = stateDirectory,
        Dht = false, // the DHT has tests of its own; here it would only resolve the public routers
        Lsd = false,
        PortMapping = false, // on by default; a test on a non-loopback address (DualStackTests: [::]) would ask the machine's router
        Tunables = new()
        {
            RedialInterval = TimeSpan.FromSeconds(1),
            RedialBackoff = TimeSpan.FromSeconds(1),
            TrackerMinimumInterval = TimeSpan.FromSeconds(2),
        },
    };

    public static TorrentEngine Create(string stateDirectory) => TorrentEngine.Create(Options(stateDirectory));

    /// <summary>Polls <see cref="TorrentHandle.GetStatusAsync"/> until <paramref name="done"/> holds (bounded).</summary>
    public static async Task<TorrentSnapshot> WaitForAsync(this TorrentHandle handle, Func<TorrentSnapshot, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var s = await handle.GetStatusAsync();
            if (done(s)) return s;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds:0.#} s; last: {s.State}, {s.VerifiedPieces}/{s.PieceCount}, {s.Peers} peers, error {s.Error}");
            await Task.Delay(50);
        }
    }

    public static Task<TorrentSnapshot> WaitForStateAsync(this TorrentHandle handle, Engine.Events.TorrentState state, TimeSpan? timeout = null)
        => handle.WaitForAsync(s => s.State == state, timeout ?? TimeSpan.FromSeconds(15), "state " + state);

    /// <summary>Reads events until one matches (bounded); returns it and every event read on the way.</summary>
    public static async Task<(T Event, List<TorrentEvent> Seen)> NextAsync<T>(this IAsyncEnumerator<TorrentEvent> events, TimeSpan timeout, Func<T, bool>? match = null) where T : TorrentEvent
    {
        var seen = new List<TorrentEvent>();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"no {typeof(T).Name} within {timeout.TotalSeconds:0} s; saw {string.Join(", ", seen.Select(e => e.GetType().Name))}");
            var move = events.MoveNextAsync().AsTask();
            if (await Task.WhenAny(move, Task.Delay(left)) != move)
                throw new TimeoutException($"no {typeof(T).Name} within {timeout.TotalSeconds:0} s; saw {string.Join(", ", seen.Select(e => e.GetType().Name))}");
            if (!await move) throw new InvalidOperationException($"the event stream ended before a {typeof(T).Name}");
            seen.Add(events.Current);
            if (events.Current is T t && (match is null || match(t))) return (t, seen);
        }
    }
}
