using System.Net;
using Engine.Core.Primitives;
using Engine.Core.Trackers;
using Engine.TrackerServer;

namespace Engine.Cluster.Trackers;

/// <summary>The tracker's own types to and from <see cref="SwarmShard"/>'s messages (bytes, numbers, text). Pure.</summary>
internal static class SwarmWire
{
    public static InfoHash Hash(byte[] bytes) => InfoHash.FromBytes(bytes);

    public static InfoHash[] Hashes(byte[][] list)
    {
        var hashes = new InfoHash[list.Length];
        for (var i = 0; i < list.Length; i++) hashes[i] = InfoHash.FromBytes(list[i]);
        return hashes;
    }

    public static SwarmShard.Announce Ask(int shard, AnnounceRequest r, IPAddress source) =>
        new(shard, r.InfoHash.ToArray(), r.PeerId.ToArray(), source.GetAddressBytes(), r.Port, r.Uploaded, r.Downloaded, r.Left, (int)r.Event, r.NumWant, r.Ip);

    public static AnnounceRequest Request(SwarmShard.Announce m) =>
        new(Hash(m.InfoHash), PeerId.FromBytes(m.PeerId), m.Port, m.Uploaded, m.Downloaded, m.Left, (AnnounceEvent)m.Event, m.NumWant, Ip: m.Ip);

    public static SwarmShard.Announced Answer(TrackerAnnounceResult r)
    {
        var addresses = new byte[r.Peers.Count][];
        var ports = new int[r.Peers.Count];
        var ids = new byte[r.Peers.Count][];
        for (var i = 0; i < addresses.Length; i++)
        {
            addresses[i] = r.Peers[i].Address.GetAddressBytes();
            ports[i] = r.Peers[i].Port;
            ids[i] = r.PeerIds[i].ToArray();
        }
        return new SwarmShard.Announced(r.Failure, r.Seeders, r.Leechers, r.Completed, addresses, ports, ids);
    }

    /// <summary>The registry's answer again; the intervals are the front end's options (every node has the same).</summary>
    public static TrackerAnnounceResult Result(SwarmShard.Announced m, TrackerOptions options)
    {
        var peers = new IPEndPoint[m.Addresses.Length];
        var ids = new PeerId[m.Addresses.Length];
        for (var i = 0; i < peers.Length; i++)
        {
            peers[i] = new IPEndPoint(new IPAddress(m.Addresses[i]), m.Ports[i]);
            ids[i] = PeerId.FromBytes(m.PeerIds[i]);
        }
        return new TrackerAnnounceResult(m.Failure, options.Interval, options.MinInterval, m.Seeders, m.Leechers, m.Completed, peers, ids);
    }

    public static SwarmShard.Scraped Answer(ScrapeStats[] stats) =>
        new([.. stats.Select(s => s.Complete)], [.. stats.Select(s => s.Downloaded)], [.. stats.Select(s => s.Incomplete)], [.. stats.Select(s => s.Name)]);

    public static ScrapeStats Stats(SwarmShard.Scraped m, int i) => new(m.Seeders[i], m.Completed[i], m.Leechers[i], m.Names[i]);

    public static SwarmShard.CatalogPage Answer(CatalogView view) =>
        new([.. view.Entries.Select(e => new SwarmShard.CatalogRow(e.InfoHash.ToArray(), e.Name, e.Size, e.Seeders, e.Leechers, e.Completed, e.Published))],
            view.TorrentCount, view.PeerCount);

    public static IEnumerable<CatalogEntry> Entries(SwarmShard.CatalogPage m) =>
        m.Rows.Select(r => new CatalogEntry(Hash(r.InfoHash), r.Name, r.Size, r.Seeders, r.Leechers, r.Completed, r.Published));

    public static SwarmShard.PeerRows Answer(SwarmPeers? peers) => peers is null
        ? new SwarmShard.PeerRows(false, null, [])
        : new SwarmShard.PeerRows(true, peers.Name, [.. peers.Peers.Select(p => new SwarmShard.PeerRow(
            p.Endpoint.Address.GetAddressBytes(), p.Endpoint.Port, p.PeerId.ToArray(), p.Left, p.Uploaded, p.Downloaded, p.LastSeen.ToUnixTimeMilliseconds()))]);

    public static SwarmPeers? Peers(SwarmShard.PeerRows m) => !m.Known ? null
        : new SwarmPeers(m.Name, [.. m.Rows.Select(r => new PeerInfo(new IPEndPoint(new IPAddress(r.Address), r.Port), PeerId.FromBytes(r.PeerId),
            r.Left, r.Uploaded, r.Downloaded, DateTimeOffset.FromUnixTimeMilliseconds(r.LastSeenUnixMs)))]);

    public static SwarmShard.Published Answer(PublishResult r) => new(r.Error, r.InfoHash.ToArray(), r.Name, r.Size, r.AlreadyPublished);

    public static PublishResult Result(SwarmShard.Published m) =>
        m.Error is not null ? new PublishResult(m.Error, default, null, 0, false) : new PublishResult(null, Hash(m.InfoHash), m.Name, m.Size, m.AlreadyPublished);
}
