using Engine.Core.Primitives;
using Engine.Tests.Interop;
using Engine.TrackerServer;

namespace Engine.Tests.TrackerServer;

using TrackerServer = global::Engine.TrackerServer.TrackerServer;

/// <summary>Bounded waits on what our tracker has seen; a timeout names what was awaited and carries the peers' logs.</summary>
internal static class TrackerServerWaits
{
    /// <summary>Waits until the tracker counts at least <paramref name="seeders"/> seeders and <paramref name="leechers"/> leechers of <paramref name="hash"/>.</summary>
    public static Task WaitForSwarmAsync(this TrackerServer tracker, InfoHash hash, int seeders, int leechers, TimeSpan timeout, params ExternalPeer[] peers) =>
        tracker.WaitUntilAsync(r => r.Scrape(hash) is { } s && s.Complete >= seeders && s.Incomplete >= leechers,
            $"{seeders} seeder(s) and {leechers} leecher(s)", timeout, peers);

    public static async Task WaitUntilAsync(this TrackerServer tracker, Func<TrackerRegistry, bool> condition, string what, TimeSpan timeout, params ExternalPeer[] peers)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!tracker.WithRegistry((r, _) => condition(r)))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"our tracker did not see {what} within {timeout.TotalSeconds} s\n{string.Join("\n", peers.Select(p => p.Describe()))}");
            await Task.Delay(100);
        }
    }
}
