using Engine.Core.Wire;

namespace Engine.Core.Merkle;

/// <summary>
/// Who is asked for which missing piece layer chunk, and when (BEP 52), for one v2-only torrent: the requests come
/// from <see cref="LayerAssembly"/>, each is in flight with one peer at a time, at most <see cref="MaxInFlightPerPeer"/>
/// per peer. A request that is rejected or not answered within <see cref="Timeout"/> goes to another peer; the peer
/// that failed it is not asked for it again before <see cref="RetryAfter"/> (so a peer that never answers delays a
/// chunk by one timeout, never forever, and a lone peer is asked again later). Answers are checked by the assembly: one
/// that does not lead to the pieces root is <see cref="LayerAnswer.Wrong"/> (the caller treats it as a protocol
/// violation). Pure (takes <c>now</c>); one owner (not thread-safe).
/// </summary>
/// <typeparam name="TPeer">How the owner names a connection.</typeparam>
internal sealed class LayerFetch<TPeer> where TPeer : notnull
{
    private readonly MerklePieces _pieces;
    private readonly LayerAssembly _assembly;
    private readonly Dictionary<HashRange, (TPeer Peer, DateTimeOffset Sent)> _inFlight = new();
    private readonly Dictionary<(HashRange Range, TPeer Peer), DateTimeOffset> _failed = new();

    public LayerFetch(MerklePieces pieces, int maxInFlightPerPeer = 4, TimeSpan? timeout = null, TimeSpan? retryAfter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlightPerPeer, 1);
        _pieces = pieces;
        _assembly = new LayerAssembly(pieces);
        MaxInFlightPerPeer = maxInFlightPerPeer;
        Timeout = timeout ?? TimeSpan.FromSeconds(10);
        RetryAfter = retryAfter ?? TimeSpan.FromSeconds(30);
    }

    public int MaxInFlightPerPeer { get; }
    public TimeSpan Timeout { get; }
    public TimeSpan RetryAfter { get; }

    /// <summary>True when no layer is missing any more.</summary>
    public bool Done => _pieces.MissingLayers == 0;

    /// <summary>Requests sent and not answered, rejected or timed out yet.</summary>
    public int InFlight => _inFlight.Count;

    /// <summary>Answers that did not lead to the pieces root, so far.</summary>
    public int WrongAnswers { get; private set; }

    /// <summary>
    /// The requests to send to <paramref name="peer"/> now (the caller sends them all): chunks nobody is asked for,
    /// that this peer has not failed recently, up to its free slots. Expired requests are freed first.
    /// </summary>
    public List<HashRange> Next(TPeer peer, DateTimeOffset now)
    {
        Expire(now);
        var send = new List<HashRange>();
        var free = MaxInFlightPerPeer;
        foreach (var (_, flight) in _inFlight)
            if (EqualityComparer<TPeer>.Default.Equals(flight.Peer, peer)) free--;
        if (free <= 0) return send;
        foreach (var range in _assembly.Requests())
        {
            if (send.Count >= free) break;
            if (_inFlight.ContainsKey(range)) continue;
            if (_failed.TryGetValue((range, peer), out var until) && now < until) continue;
            _inFlight[range] = (peer, now);
            send.Add(range);
        }
        return send;
    }

    /// <summary>Takes a <c>hashes</c> message from <paramref name="peer"/>.</summary>
    public LayerAnswer OnHashes(TPeer peer, HashRange range, ReadOnlySpan<byte> hashes)
    {
        if (!_inFlight.TryGetValue(range, out var flight) || !EqualityComparer<TPeer>.Default.Equals(flight.Peer, peer))
            return LayerAnswer.Unasked;
        _inFlight.Remove(range);
        var missing = _pieces.MissingLayers;
        if (!_assembly.Add(range, hashes))
        {
            WrongAnswers++;
            return LayerAnswer.Wrong;
        }
        return _pieces.MissingLayers < missing ? LayerAnswer.LayerComplete : LayerAnswer.Accepted;
    }

    /// <summary>A <c>hash reject</c> from <paramref name="peer"/>: the chunk goes to another peer.</summary>
    public void OnReject(TPeer peer, HashRange range, DateTimeOffset now)
    {
        if (_inFlight.TryGetValue(range, out var flight) && EqualityComparer<TPeer>.Default.Equals(flight.Peer, peer))
            Fail(range, peer, now);
    }

    /// <summary>The connection to <paramref name="peer"/> ended: its requests go to others.</summary>
    public void PeerGone(TPeer peer)
    {
        List<HashRange>? gone = null;
        foreach (var (range, flight) in _inFlight)
            if (EqualityComparer<TPeer>.Default.Equals(flight.Peer, peer)) (gone ??= []).Add(range);
        if (gone is null) return;
        foreach (var range in gone) _inFlight.Remove(range);
    }

    /// <summary>Frees requests not answered within <see cref="Timeout"/>; returns how many.</summary>
    public int Expire(DateTimeOffset now)
    {
        List<(HashRange Range, TPeer Peer)>? late = null;
        foreach (var (range, flight) in _inFlight)
            if (now - flight.Sent >= Timeout) (late ??= []).Add((range, flight.Peer));
        if (late is null) return 0;
        foreach (var (range, peer) in late) Fail(range, peer, now);
        return late.Count;
    }

    private void Fail(HashRange range, TPeer peer, DateTimeOffset now)
    {
        _inFlight.Remove(range);
        _failed[(range, peer)] = now + RetryAfter;
    }
}
