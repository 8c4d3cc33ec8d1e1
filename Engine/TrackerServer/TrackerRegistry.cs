using System.Net.Sockets;
using System.Net;
using Engine.Core.Primitives;
using Engine.Core.Trackers;

namespace Engine.TrackerServer;

/// <summary>
/// The tracker's state: swarms by info-hash and the published .torrent files. Pure and synchronous: the caller
/// passes <c>now</c> and owns the <see cref="Random"/>; not thread-safe (the server serialises calls).
/// Memory is bounded by <see cref="TrackerOptions"/>' caps (see docs/tracker.md).
/// </summary>
internal sealed partial class TrackerRegistry
{
    public const string NotAllowedMessage = "this torrent is not tracked here (not on the allow list)";

    private readonly Dictionary<InfoHash, Swarm> _swarms = [];
    private readonly LinkedList<Swarm> _lru = new(); // unpublished swarms, least recently announced first
    private readonly Random _random;
    private int[] _scratch = new int[64];

    public TrackerRegistry(TrackerOptions options, Random random)
    {
        Options = options.Validate();
        _random = random;
    }

    public TrackerOptions Options { get; }

    /// <summary>Swarms held (published torrents keep theirs even when empty).</summary>
    public int TorrentCount => _swarms.Count;

    /// <summary>Swarms of torrents that were not published (the ones <see cref="TrackerOptions.MaxTorrents"/> caps).</summary>
    public int UnpublishedTorrentCount => _lru.Count;

    public int PeerCount { get; private set; }

    public bool IsAllowed(InfoHash infoHash) => Options.Allows(infoHash);

    /// <summary>
    /// Records an announce from <paramref name="source"/> (the address the request came from) and picks peers for
    /// it. <c>stopped</c> removes the peer at once; <c>completed</c> counts once per stored peer.
    /// </summary>
    public TrackerAnnounceResult Announce(AnnounceRequest request, IPAddress source, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsAllowed(request.InfoHash)) return Failure(NotAllowedMessage);
        var endpoint = new IPEndPoint(PeerAddress(request, source), request.Port);

        if (!_swarms.TryGetValue(request.InfoHash, out var swarm))
        {
            if (request.Event == AnnounceEvent.Stopped) return Result(null, [], []);
            swarm = CreateSwarm(request.InfoHash, now);
        }
        Touch(swarm);
        if (now >= swarm.NextSweep)
        {
            PeerCount -= swarm.RemoveSeenBefore(now - Options.PeerTimeout);
            swarm.NextSweep = now + Options.PeerTimeout / 4;
        }

        var peer = swarm.Find(request.PeerId);
        if (request.Event == AnnounceEvent.Stopped)
        {
            if (peer is not null && swarm.Remove(request.PeerId)) PeerCount--;
            return Result(swarm, [], []);
        }
        // A client restarted without a stopped announces from the same address and port under a new peer id: its old
        // entry goes (as opentracker, which keys peers by address and port).
        if (swarm.At(endpoint) is { } holder && holder != peer && swarm.Remove(holder.Id)) PeerCount--;
        if (peer is not null)
            swarm.Update(peer, endpoint, request.Left, request.Uploaded, request.Downloaded, now);
        else if (swarm.Count < Options.MaxPeersPerTorrent && MakeRoomForPeer(swarm))
        {
            peer = swarm.Add(request.PeerId, endpoint, request.Left, request.Uploaded, request.Downloaded, now);
            PeerCount++;
        }
        if (peer is not null && request.Event == AnnounceEvent.Completed) swarm.MarkCompleted(peer);

        var want = request.NumWant < 0 ? Options.DefaultNumWant : Math.Min(request.NumWant, Options.MaxNumWant);
        var endpoints = new List<IPEndPoint>(Math.Min(want, swarm.Count));
        var ids = new List<PeerId>(endpoints.Capacity);
        swarm.Sample(want, request.PeerId, request.Left == 0, _random, ref _scratch, endpoints, ids);
        return Result(swarm, endpoints, ids);
    }

    /// <summary>Seeders, completions and leechers of a torrent (zeros when unknown), with its name when published.</summary>
    public ScrapeStats Scrape(InfoHash infoHash)
    {
        var name = _published.TryGetValue(infoHash, out var published) ? published.Name : null;
        return _swarms.TryGetValue(infoHash, out var swarm)
            ? new ScrapeStats(swarm.Seeders, swarm.Completed, swarm.Leechers, name)
            : new ScrapeStats(0, 0, 0, name);
    }

    /// <summary>The stats of each torrent, in order.</summary>
    public ScrapeStats[] Scrape(IReadOnlyList<InfoHash> infoHashes)
    {
        var stats = new ScrapeStats[infoHashes.Count];
        for (var i = 0; i < stats.Length; i++) stats[i] = Scrape(infoHashes[i]);
        return stats;
    }

    /// <summary>Drops every peer not seen for <see cref="TrackerOptions.PeerTimeout"/>, then empty unpublished swarms. Returns the peers dropped.</summary>
    public int Expire(DateTimeOffset now)
    {
        var deadline = now - Options.PeerTimeout;
        var removed = 0;
        List<Swarm>? empty = null;
        foreach (var swarm in _swarms.Values)
        {
            removed += swarm.RemoveSeenBefore(deadline);
            swarm.NextSweep = now + Options.PeerTimeout / 4;
            if (swarm.Count == 0 && !swarm.Published) (empty ??= []).Add(swarm);
        }
        PeerCount -= removed;
        if (empty is not null)
            foreach (var swarm in empty) Drop(swarm);
        return removed;
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private IPAddress PeerAddress(AnnounceRequest request, IPAddress source)
    {
        if (Options.TrustClientIp && request.Ip is not null && IPAddress.TryParse(request.Ip, out var stated)
            && stated.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            return Normalize(stated);
        return Normalize(source);
    }

    private Swarm CreateSwarm(InfoHash infoHash, DateTimeOffset now)
    {
        while (_lru.Count >= Options.MaxTorrents) Drop(_lru.First!.Value);
        var swarm = new Swarm(infoHash) { NextSweep = now + Options.PeerTimeout / 4 };
        if (_published.ContainsKey(infoHash)) swarm.Published = true;
        else swarm.LruNode = _lru.AddLast(swarm);
        _swarms.Add(infoHash, swarm);
        return swarm;
    }

    private void Touch(Swarm swarm)
    {
        if (swarm.LruNode is null) return;
        _lru.Remove(swarm.LruNode);
        _lru.AddLast(swarm.LruNode);
    }

    /// <summary>Evicts least recently announced unpublished swarms (never <paramref name="keep"/>) until a peer fits under <see cref="TrackerOptions.MaxPeers"/>.</summary>
    private bool MakeRoomForPeer(Swarm keep)
    {
        while (PeerCount >= Options.MaxPeers)
        {
            var oldest = _lru.First?.Value;
            if (oldest is null || oldest == keep) return false;
            Drop(oldest);
        }
        return true;
    }

    private void Drop(Swarm swarm)
    {
        PeerCount -= swarm.Count;
        if (swarm.LruNode is not null) _lru.Remove(swarm.LruNode);
        swarm.LruNode = null;
        _swarms.Remove(swarm.InfoHash);
    }

    private TrackerAnnounceResult Result(Swarm? swarm, IReadOnlyList<IPEndPoint> peers, IReadOnlyList<PeerId> ids) =>
        new(null, Options.Interval, Options.MinInterval, swarm?.Seeders ?? 0, swarm?.Leechers ?? 0, swarm?.Completed ?? 0, peers, ids);

    private TrackerAnnounceResult Failure(string message) =>
        new(message, Options.Interval, Options.MinInterval, 0, 0, 0, [], []);
}
