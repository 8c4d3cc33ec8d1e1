namespace Engine.Cluster.Trackers;

/// <summary>
/// What the front ends of every node ask a shard, and its answers. They cross the network (Akka.Remote's default
/// serializer), so they hold only bytes, numbers and text; <see cref="SwarmWire"/> converts them from and to the
/// tracker's own types.
/// </summary>
internal sealed partial class SwarmShard
{
    /// <summary>A message for the shard (and its one entity) <see cref="Shard"/>.</summary>
    public interface IMessage
    {
        int Shard { get; }
    }

    public sealed record Announce(int Shard, byte[] InfoHash, byte[] PeerId, byte[] Source, int Port, long Uploaded, long Downloaded, long Left,
        int Event, int NumWant, string? Ip) : IMessage;

    /// <summary>Peers as parallel arrays: address bytes (4 or 16), port, peer id.</summary>
    public sealed record Announced(string? Failure, int Seeders, int Leechers, int Completed, byte[][] Addresses, int[] Ports, byte[][] PeerIds);

    public sealed record Scrape(int Shard, byte[][] InfoHashes) : IMessage;

    public sealed record Scraped(int[] Seeders, int[] Completed, int[] Leechers, string?[] Names);

    public sealed record Catalog(int Shard, int Limit) : IMessage;

    public sealed record CatalogPage(CatalogRow[] Rows, int Torrents, int Peers);

    public sealed record CatalogRow(byte[] InfoHash, string? Name, long? Size, int Seeders, int Leechers, int Completed, bool Published);

    public sealed record Peers(int Shard, byte[] InfoHash, int Limit) : IMessage;

    /// <summary><see cref="Known"/> false: the shard has no swarm for the torrent.</summary>
    public sealed record PeerRows(bool Known, string? Name, PeerRow[] Rows);

    public sealed record PeerRow(byte[] Address, int Port, byte[] PeerId, long Left, long Uploaded, long Downloaded, long LastSeenUnixMs);

    public sealed record TorrentFile(int Shard, byte[] InfoHash) : IMessage;

    public sealed record TorrentFileBytes(byte[]? File);

    public sealed record Publish(int Shard, byte[] File) : IMessage;

    public sealed record Published(string? Error, byte[] InfoHash, string? Name, long Size, bool AlreadyPublished);

    /// <summary>What the shard holds and has served, for the cluster view (<see cref="TrackerClusterView"/>).</summary>
    public sealed record Stats(int Shard) : IMessage;

    /// <summary><see cref="Announces"/>: announces the entity answered since it started on <see cref="Node"/>.</summary>
    public sealed record ShardStats(int Shard, string Node, int Swarms, int Peers, int Published, long Announces);

    /// <summary>The entity's own timer: drop silent peers.</summary>
    private sealed record Expire
    {
        public static readonly Expire Instance = new();
    }
}
