using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Engine.Api;

/// <summary>
/// The engine's own instruments on the <see cref="TorrentEngine.MeterName"/> meter (System.Diagnostics.Metrics, so
/// OpenTelemetry, dotnet-counters or any MeterListener can read them): blocks waiting for the disk and peer connections
/// in use, per engine (tag <c>engine</c>). Per-torrent figures (rates, peers, pieces) come from the public status API.
/// </summary>
internal static class EngineMeter
{
    private static readonly Meter Meter = new(TorrentEngine.MeterName, typeof(EngineMeter).Assembly.GetName().Version?.ToString());
    private static readonly ConcurrentDictionary<TorrentEngine, string> Engines = new();

    static EngineMeter()
    {
        Meter.CreateObservableGauge("engine.disk.blocks_in_flight", () => Measure(e => e.Context.DiskBudget?.InFlight ?? 0),
            "{block}", "16 KiB blocks received and waiting for the disk (the disk budget in use)");
        Meter.CreateObservableGauge("engine.peers.connections", () => Measure(e => e.Context.Connections.InUse),
            "{connection}", "peer connections of every torrent together");
        Meter.CreateObservableGauge("engine.torrents", () => Measure(e => e.Torrents.Count), "{torrent}", "torrents in the engine");
        Meter.CreateObservableGauge("engine.dht.nodes", () => Measure(e => e.Context.DhtSize.Nodes, skip: -1), "{node}",
            "nodes in the DHT's routing table (engines whose DHT is off or not yet running report nothing)");
    }

    public static void Register(TorrentEngine engine, string name) => Engines[engine] = name;

    public static void Unregister(TorrentEngine engine) => Engines.TryRemove(engine, out _);

    private static IEnumerable<Measurement<int>> Measure(Func<TorrentEngine, int> value, int? skip = null)
    {
        foreach (var (engine, name) in Engines)
            if (value(engine) is var v && v != skip)
                yield return new Measurement<int>(v, new KeyValuePair<string, object?>("engine", name));
    }
}
