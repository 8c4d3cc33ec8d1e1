using System.Net;
using Engine.Core.Primitives;

namespace Engine.Core.Dht;

/// <summary>
/// The peers other nodes announced to us (announce_peer), per info-hash, each kept for <see cref="Lifetime"/> unless
/// announced again. Bounded both ways — peers per info-hash and info-hashes — so a flood of announces cannot grow it:
/// a full torrent drops its oldest peer, and a new torrent beyond the cap is refused after expired ones are swept.
/// </summary>
internal sealed class DhtPeerStore(int maxPeersPerTorrent = 100, int maxTorrents = 1000)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    private readonly Dictionary<InfoHash, Dictionary<IPEndPoint, DateTimeOffset>> _torrents = new();

    public int TorrentCount => _torrents.Count;

    public int PeerCount
    {
        get
        {
            var n = 0;
            foreach (var peers in _torrents.Values) n += peers.Count;
            return n;
        }
    }

    /// <summary>Each stored torrent with how many peers announced it.</summary>
    public IEnumerable<(InfoHash InfoHash, int Peers)> Torrents()
    {
        foreach (var (hash, peers) in _torrents) yield return (hash, peers.Count);
    }

    /// <summary>Records an announce; false when it was refused (the store is full of other torrents).</summary>
    public bool Add(InfoHash hash, IPEndPoint peer, DateTimeOffset now)
    {
        if (!_torrents.TryGetValue(hash, out var peers))
        {
            if (_torrents.Count >= maxTorrents) Sweep(now);
            if (_torrents.Count >= maxTorrents) return false;
            _torrents[hash] = peers = new Dictionary<IPEndPoint, DateTimeOffset>();
        }
        if (!peers.ContainsKey(peer) && peers.Count >= maxPeersPerTorrent)
        {
            var oldest = peers.MinBy(p => p.Value).Key;
            peers.Remove(oldest);
        }
        peers[peer] = now + Lifetime;
        return true;
    }

    /// <summary>Up to <paramref name="max"/> live peers of <paramref name="hash"/> (of <paramref name="family"/>), a random choice when there are more.</summary>
    public List<IPEndPoint> Get(InfoHash hash, IpFamily family, int max, DateTimeOffset now, Random random)
    {
        var list = new List<IPEndPoint>();
        if (!_torrents.TryGetValue(hash, out var peers)) return list;
        foreach (var (peer, expires) in peers)
            if (expires > now && IpFamilies.Of(peer) == family) list.Add(peer);
        if (list.Count <= max) return list;
        for (var i = 0; i < max; i++) // a partial Fisher-Yates: the first max are a uniform random choice
        {
            var j = random.Next(i, list.Count);
            (list[i], list[j]) = (list[j], list[i]);
        }
        list.RemoveRange(max, list.Count - max);
        return list;
    }

    /// <summary>Forgets expired peers and torrents left without any.</summary>
    public void Sweep(DateTimeOffset now)
    {
        List<InfoHash>? empty = null;
        foreach (var (hash, peers) in _torrents)
        {
            List<IPEndPoint>? expired = null;
            foreach (var (peer, expires) in peers)
                if (expires <= now) (expired ??= []).Add(peer);
            if (expired is not null) foreach (var p in expired) peers.Remove(p);
            if (peers.Count == 0) (empty ??= []).Add(hash);
        }
        if (empty is not null) foreach (var h in empty) _torrents.Remove(h);
    }
}
