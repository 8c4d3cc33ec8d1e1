using System.Net;

namespace Engine.Core.Dht;

/// <summary>
/// One iterative Kademlia lookup (BEP 5) as a state machine: candidates sorted by distance to <see cref="Target"/>;
/// at most α queries in flight, always to the closest candidates not yet asked; every answer brings closer nodes (and,
/// for get_peers, peers and a token). It ends when the k closest candidates still standing have all answered.
/// Timeouts and answers come from the caller; it sends nothing itself.
/// </summary>
internal sealed class DhtLookup
{
    private enum State { New, InFlight, Answered, Failed }

    private sealed class Candidate(DhtContact contact, int depth)
    {
        /// <summary>The node; a bootstrap router's id is unknown (default) until it answers.</summary>
        public DhtContact Contact { get; set; } = contact;
        public int Depth { get; } = depth;
        public State State { get; set; }
        public byte[]? Token { get; set; }
    }

    private readonly List<Candidate> _candidates = new(); // sorted by distance to the target
    private readonly HashSet<IPEndPoint> _peers = new();
    private readonly int _k, _alpha, _maxCandidates;
    private int _inFlight;

    public DhtLookup(int id, NodeId target, bool getPeers, IEnumerable<DhtContact> seeds, int k = 8, int alpha = 3, int maxCandidates = 64)
    {
        Id = id;
        Target = target;
        GetPeers = getPeers;
        (_k, _alpha, _maxCandidates) = (k, alpha, maxCandidates);
        foreach (var s in seeds) Offer(s, 0);
    }

    public int Id { get; }
    public NodeId Target { get; }

    /// <summary>get_peers (values and tokens wanted), else find_node.</summary>
    public bool GetPeers { get; }

    public int Queried { get; private set; }
    public int Answered { get; private set; }

    /// <summary>The deepest hop that answered: seeds are hop 1, nodes they named hop 2, and so on.</summary>
    public int Rounds { get; private set; }

    /// <summary>Every peer the answers named so far.</summary>
    public IReadOnlyCollection<IPEndPoint> Peers => _peers;

    public bool IsDone
    {
        get
        {
            var considered = 0;
            foreach (var c in _candidates)
            {
                if (c.State == State.Failed) continue;
                if (c.State != State.Answered) return false;
                if (++considered == _k) return true;
            }
            return _inFlight == 0;
        }
    }

    /// <summary>The contacts to query now (marked in flight): the closest new ones among the k closest standing, up to α in flight.</summary>
    public List<DhtContact> Next()
    {
        var next = new List<DhtContact>();
        var considered = 0;
        foreach (var c in _candidates)
        {
            if (_inFlight >= _alpha || considered >= _k) break;
            if (c.State == State.Failed) continue;
            considered++;
            if (c.State != State.New) continue;
            c.State = State.InFlight;
            _inFlight++;
            Queried++;
            next.Add(c.Contact);
        }
        return next;
    }

    /// <summary>
    /// <paramref name="from"/> answered (a candidate, or one whose id we did not know: a bootstrap router), naming
    /// <paramref name="nodes"/> and, for get_peers, <paramref name="peers"/> and a token. Returns the peers new to this lookup.
    /// </summary>
    public List<IPEndPoint> OnAnswer(DhtContact from, IReadOnlyList<DhtContact> nodes, IReadOnlyList<IPEndPoint> peers, byte[]? token)
    {
        var depth = 0;
        if (Find(from) is { } c)
        {
            if (c.State == State.InFlight) _inFlight--;
            if (c.State != State.Answered) Answered++;
            c.State = State.Answered;
            c.Token = token ?? c.Token;
            depth = c.Depth;
            if (c.Contact.Id != from.Id)
            {
                // A router's id is known now: it moves to its place by distance.
                _candidates.Remove(c);
                c.Contact = from;
                var at = _candidates.FindIndex(x => Target.CompareDistance(from.Id, x.Contact.Id) < 0);
                _candidates.Insert(at < 0 ? _candidates.Count : at, c);
            }
        }
        Rounds = Math.Max(Rounds, depth + 1);
        foreach (var n in nodes) Offer(n, depth + 1);
        var fresh = new List<IPEndPoint>();
        foreach (var p in peers)
            if (_peers.Count < 2000 && _peers.Add(p)) fresh.Add(p);
        return fresh;
    }

    /// <summary>A query timed out or was answered with an error: the candidate is out of the lookup.</summary>
    public void OnFailure(DhtContact contact)
    {
        if (Find(contact) is not { } c) return;
        if (c.State == State.InFlight) _inFlight--;
        c.State = State.Failed;
    }

    /// <summary>The k closest nodes that answered.</summary>
    public List<DhtContact> ClosestAnswered()
    {
        var result = new List<DhtContact>(_k);
        foreach (var c in _candidates)
        {
            if (c.State != State.Answered) continue;
            result.Add(c.Contact);
            if (result.Count == _k) break;
        }
        return result;
    }

    /// <summary>The closest nodes that answered, with the tokens they gave (for announce_peer).</summary>
    public List<(DhtContact Contact, byte[] Token)> ClosestWithTokens()
    {
        var result = new List<(DhtContact, byte[])>();
        foreach (var c in _candidates)
        {
            if (c.State != State.Answered || c.Token is null) continue;
            result.Add((c.Contact, c.Token));
            if (result.Count == _k) break;
        }
        return result;
    }

    /// <summary>The candidate at that endpoint with that id (or with no id known yet).</summary>
    private Candidate? Find(DhtContact contact)
    {
        foreach (var c in _candidates)
            if (c.Contact.EndPoint.Equals(contact.EndPoint) && (c.Contact.Id == contact.Id || c.Contact.Id == default)) return c;
        return null;
    }

    private void Offer(DhtContact contact, int depth)
    {
        if (contact.EndPoint.Port == 0) return;
        foreach (var c in _candidates)
            if (c.Contact.EndPoint.Equals(contact.EndPoint) || contact.Id != default && c.Contact.Id == contact.Id) return;
        var at = _candidates.FindIndex(c => Target.CompareDistance(contact.Id, c.Contact.Id) < 0);
        if (at < 0) at = _candidates.Count;
        if (at >= _maxCandidates) return;
        _candidates.Insert(at, new Candidate(contact, depth));
        if (_candidates.Count <= _maxCandidates) return;
        // Too many: forget the farthest one that is not in flight.
        for (var i = _candidates.Count - 1; i >= 0; i--)
        {
            if (_candidates[i].State == State.InFlight) continue;
            _candidates.RemoveAt(i);
            return;
        }
    }
}
