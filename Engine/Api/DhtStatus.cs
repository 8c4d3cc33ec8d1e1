using System.Net;

namespace Engine.Api;

/// <summary>The engine's DHT node (from <see cref="TorrentEngine.GetDhtStatusAsync"/>).</summary>
/// <param name="NodeId">Its 160-bit id, in hex.</param>
/// <param name="Nodes">Nodes in its routing table.</param>
/// <param name="Buckets">Buckets of the routing table.</param>
/// <param name="LookupsRunning">Lookups in flight (and <paramref name="LookupsWaiting"/> queued behind them).</param>
/// <param name="StoredTorrents">Torrents other nodes announced to us, and <paramref name="StoredPeers"/> their peers.</param>
/// <param name="ExternalAddress">Our address as a majority of nodes see it (BEP 42), once known.</param>
public sealed record DhtStatus(string NodeId, int Nodes, int Buckets, int LookupsRunning, int LookupsWaiting, int StoredTorrents, int StoredPeers,
    IPAddress? ExternalAddress);
