using System.Net;
using Engine.Core.Primitives;

namespace Engine.Api;

/// <summary>The DHT node's routing table and the torrents others announced to it (from <see cref="TorrentEngine.GetDhtTableAsync"/>).</summary>
/// <param name="Nodes">Every node of the routing table, bucket by bucket (bucket 0 is the farthest from our id).</param>
/// <param name="Stored">Each torrent announced to us, with how many peers announced it.</param>
public sealed record DhtTable(IReadOnlyList<DhtTableNode> Nodes, IReadOnlyList<DhtStoredTorrent> Stored);

/// <summary>One node of the routing table: its id in hex, where it is, its bucket, whether it is good (answered in the last 15 minutes), when last heard.</summary>
public sealed record DhtTableNode(string NodeId, IPEndPoint EndPoint, int Bucket, bool Good, DateTimeOffset LastSeen);

/// <summary>A torrent other nodes announced to ours, and how many peers announced it.</summary>
public sealed record DhtStoredTorrent(InfoHash InfoHash, int Peers);

/// <summary>What one DHT lookup found (from <see cref="TorrentEngine.FindPeersAsync"/>).</summary>
/// <param name="Peers">The peers found, each once.</param>
/// <param name="Queried">Nodes asked, of which <paramref name="Answered"/> answered, over <paramref name="Rounds"/> rounds.</param>
/// <param name="Finished">False when the lookup was cut short (the time ran out): <paramref name="Peers"/> is what came until then.</param>
public sealed record DhtLookupResult(InfoHash InfoHash, IReadOnlyList<IPEndPoint> Peers, int Queried, int Answered, int Rounds, bool Finished);
