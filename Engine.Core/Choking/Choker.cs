namespace Engine.Core.Choking;

/// <summary>
/// Tit-for-tat choking (BEP 3 "choking algorithm"), as a pure core: the PeerManager calls
/// <see cref="Rechoke"/> every <see cref="RechokeInterval"/> with a snapshot of its peers and applies the
/// resulting chokes and unchokes. The only state kept between calls is the optimistic unchoke.
/// </summary>
/// <remarks>
/// <para><b>Regular slots</b> (<see cref="Slots"/>, default 4). While downloading, the interested, non-snubbed
/// peers that send to us fastest are unchoked: we reciprocate to those who give. Snubbed peers (they unchoked us
/// but sent nothing for <see cref="SnubTimeout"/>) only get the optimistic slot.</para>
/// <para>While seeding nobody can reciprocate, so the interested peers we upload to fastest are unchoked. This is
/// preferred to round-robin: the peers that absorb our bandwidth fastest get the data into the swarm soonest
/// (where it is then re-shared), the unchoke set stays stable so TCP connections keep their congestion windows
/// open instead of restarting every 10 s, and a peer gains nothing by tricking its way into a rotating turn. The
/// optimistic slot still gives every other peer a chance to prove it is faster.</para>
/// <para><b>Optimistic unchoke</b>: one more peer, rotated every <see cref="OptimisticInterval"/> to a random
/// interested peer that the regular slots leave choked (newly connected peers, under <see cref="NewPeerAge"/>,
/// weighted <see cref="NewPeerWeight"/>×, since they have nothing to reciprocate with yet). It stays unchoked in
/// the rechokes between rotations; it is replaced early when it disconnects or loses interest.</para>
/// Ties in rate are broken at random. Peers not picked are choked, uninterested ones included.
/// </remarks>
internal sealed class Choker
{
    public static readonly TimeSpan RechokeInterval = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan SnubTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan NewPeerAge = TimeSpan.FromSeconds(60);
    public const int NewPeerWeight = 3;

    private DateTime _lastRotation;

    public Choker(int slots = 4, TimeSpan? optimisticInterval = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slots);
        Slots = slots;
        OptimisticInterval = optimisticInterval ?? TimeSpan.FromSeconds(30);
        if (OptimisticInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(optimisticInterval), "the optimistic interval must be positive");
    }

    /// <summary>Regular unchoke slots (the optimistic unchoke comes on top).</summary>
    public int Slots { get; }

    public TimeSpan OptimisticInterval { get; }

    /// <summary>The current optimistic unchoke, if any.</summary>
    public int? OptimisticPeer { get; private set; }

    /// <summary>
    /// A peer snubs us when it has unchoked us (since <paramref name="unchokedUsAt"/>) and sent no block for
    /// <see cref="SnubTimeout"/> — counting from the unchoke if it never sent one since.
    /// </summary>
    public static bool IsSnubbed(DateTime? unchokedUsAt, DateTime? lastPieceReceived, DateTime now)
    {
        if (unchokedUsAt is not { } since) return false;
        var lastActivity = lastPieceReceived is { } last && last > since ? last : since;
        return now - lastActivity >= SnubTimeout;
    }

    /// <summary>
    /// Decides who is unchoked from now on. Keys must be distinct. <paramref name="rotateOptimistic"/> forces a new
    /// optimistic unchoke (the caller's 30 s timer); otherwise it rotates only when its interval has passed or the
    /// optimistic peer left or lost interest.
    /// </summary>
    public ChokeDecision Rechoke(IReadOnlyList<ChokerPeer> peers, bool seeding, DateTime now, Random random, bool rotateOptimistic = false)
    {
        ArgumentNullException.ThrowIfNull(peers);
        ArgumentNullException.ThrowIfNull(random);
        var byKey = new Dictionary<int, ChokerPeer>(peers.Count);
        foreach (var peer in peers)
            if (!byKey.TryAdd(peer.Key, peer))
                throw new ArgumentException($"peer {peer.Key} appears twice in the snapshot", nameof(peers));

        // Keep the optimistic peer between rotations while it is still connected and interested.
        var previous = OptimisticPeer;
        var keepOptimistic = !rotateOptimistic && OptimisticPeer is { } current
            && byKey.TryGetValue(current, out var currentPeer) && currentPeer.Interested
            && now - _lastRotation < OptimisticInterval;
        if (!keepOptimistic) OptimisticPeer = null;

        var regular = PickRegular(peers, seeding, random);
        if (!keepOptimistic) RotateOptimistic(peers, regular, previous, now, random);

        var unchoked = new List<int>(regular.Count + 1);
        unchoked.AddRange(regular);
        if (OptimisticPeer is { } optimistic) unchoked.Add(optimistic);
        var unchokedSet = new HashSet<int>(unchoked);
        var unchoke = new List<int>();
        var choke = new List<int>();
        foreach (var peer in peers)
        {
            var wanted = unchokedSet.Contains(peer.Key);
            if (wanted && peer.ChokedByUs) unchoke.Add(peer.Key);
            else if (!wanted && !peer.ChokedByUs) choke.Add(peer.Key);
        }
        return new ChokeDecision(unchoke, choke, unchoked, OptimisticPeer);
    }

    private List<int> PickRegular(IReadOnlyList<ChokerPeer> peers, bool seeding, Random random)
    {
        var candidates = new List<(double Rate, int Tie, int Key)>();
        foreach (var peer in peers)
        {
            if (!peer.Interested || peer.Key == OptimisticPeer) continue;
            if (!seeding && peer.Snubbed) continue;
            candidates.Add((seeding ? peer.UploadRate : peer.DownloadRate, random.Next(), peer.Key));
        }
        candidates.Sort(static (a, b) => a.Rate != b.Rate ? b.Rate.CompareTo(a.Rate) : a.Tie.CompareTo(b.Tie));
        var regular = new List<int>(Math.Min(Slots, candidates.Count));
        for (var i = 0; i < candidates.Count && regular.Count < Slots; i++) regular.Add(candidates[i].Key);
        return regular;
    }

    private void RotateOptimistic(IReadOnlyList<ChokerPeer> peers, List<int> regular, int? previous, DateTime now, Random random)
    {
        var candidates = new List<(int Key, int Weight)>();
        var total = 0;
        foreach (var peer in peers)
        {
            if (!peer.Interested || regular.Contains(peer.Key)) continue;
            var weight = now - peer.ConnectedAt < NewPeerAge ? NewPeerWeight : 1;
            candidates.Add((peer.Key, weight));
            total += weight;
        }
        // Prefer someone other than the previous optimistic peer when there is a choice.
        if (candidates.Count > 1 && previous is { } old)
        {
            var index = candidates.FindIndex(c => c.Key == old);
            if (index >= 0)
            {
                total -= candidates[index].Weight;
                candidates.RemoveAt(index);
            }
        }
        _lastRotation = now;
        if (candidates.Count == 0) return;
        var ticket = random.Next(total);
        foreach (var (key, weight) in candidates)
        {
            if (ticket < weight)
            {
                OptimisticPeer = key;
                return;
            }
            ticket -= weight;
        }
    }
}
