using System.Net;
using Engine.Core.Primitives;
using Engine.Core.Trackers;

namespace Engine.TrackerServer;

/// <summary>
/// One tracker's backend: serialises access to the (single-threaded) registry for the HTTP and UDP servers and
/// supplies the clock. Every answer is complete when returned.
/// </summary>
internal sealed class RegistryGate(TrackerRegistry registry, TimeProvider time) : ITrackerBackend
{
    private readonly Lock _lock = new();

    public TrackerRegistry Registry { get; } = registry;

    public TrackerOptions Options => Registry.Options;

    public DateTimeOffset Now => time.GetUtcNow();

    public T Run<T>(Func<TrackerRegistry, DateTimeOffset, T> action)
    {
        lock (_lock) return action(Registry, time.GetUtcNow());
    }

    public ValueTask<TrackerAnnounceResult> AnnounceAsync(AnnounceRequest request, IPAddress source) =>
        new(Run((r, now) => r.Announce(request, source, now)));

    public ValueTask<ScrapeStats[]> ScrapeAsync(IReadOnlyList<InfoHash> infoHashes) => new(Run((r, _) => r.Scrape(infoHashes)));

    public ValueTask<CatalogView> CatalogAsync(int limit) => new(Run((r, _) => r.View(limit)));

    public ValueTask<SwarmPeers?> PeersAsync(InfoHash infoHash, int limit) => new(Run((r, _) => r.PeersOf(infoHash, limit)));

    public ValueTask<byte[]?> TorrentFileAsync(InfoHash infoHash) => new(Run((r, _) => r.GetTorrentFile(infoHash)));

    public ValueTask<PublishResult> PublishAsync(byte[] torrentFile) => new(Run((r, _) => r.Publish(torrentFile)));

    public ValueTask<byte[]?> ClusterJsonAsync() => new((byte[]?)null);
}
