namespace Engine.Core.Dht;

/// <summary>
/// The Kademlia routing table of BEP 5: buckets of at most k nodes. Bucket i holds the nodes that share exactly i
/// leading bits with our id; the last bucket holds all nodes closer than that, and it is the only one that splits when
/// full — so the table knows many nodes near us and a few far away, and never more than 160 · k. Only nodes that
/// answered us enter it. A node that arrives when its bucket is full (and cannot split) replaces a bad node, or waits
/// in the bucket's replacement list while the core pings the bucket's least recently seen questionable node
/// (<see cref="Insert"/> returns it).
/// </summary>
internal sealed class RoutingTable
{
    private readonly List<RoutingBucket> _buckets;

    public RoutingTable(NodeId ours, DateTimeOffset now, int k = 8, int replacements = 8)
    {
        Ours = ours;
        K = k;
        MaxReplacements = replacements;
        _buckets = [new RoutingBucket(now)];
    }

    public NodeId Ours { get; }
    public int K { get; }
    public int MaxReplacements { get; }
    public int BucketCount => _buckets.Count;
    public IReadOnlyList<RoutingBucket> Buckets => _buckets;

    public int Count
    {
        get
        {
            var n = 0;
            foreach (var b in _buckets) n += b.Nodes.Count;
            return n;
        }
    }

    private int IndexOf(NodeId id) => Math.Min(Ours.CommonPrefix(id), _buckets.Count - 1);

    public RoutingNode? Find(NodeId id) => _buckets[IndexOf(id)].Find(id);

    /// <summary>
    /// A node answered us: refresh it, or add it. Returns a node worth pinging when the new one had to wait as a
    /// replacement (the bucket's least recently seen questionable node), else null.
    /// </summary>
    public RoutingNode? Insert(DhtContact contact, DateTimeOffset now)
    {
        if (contact.Id == Ours) return null;
        while (true)
        {
            var index = IndexOf(contact.Id);
            var bucket = _buckets[index];
            if (bucket.Find(contact.Id) is { } known)
            {
                if (!known.Contact.EndPoint.Equals(contact.EndPoint) && !known.IsBad) return null; // same id elsewhere: keep the one we know
                known.Contact = contact;
                known.LastResponse = now;
                known.Failures = 0;
                bucket.Changed = now;
                return null;
            }
            if (bucket.Nodes.Count < K)
            {
                bucket.Nodes.Add(new RoutingNode(contact, now));
                bucket.Changed = now;
                return null;
            }
            if (index == _buckets.Count - 1 && _buckets.Count < NodeId.Bits)
            {
                Split(now);
                continue;
            }
            var bad = bucket.Nodes.FindIndex(n => n.IsBad);
            if (bad >= 0)
            {
                bucket.Nodes[bad] = new RoutingNode(contact, now);
                bucket.Changed = now;
                return null;
            }
            Remember(bucket, contact);
            RoutingNode? stalest = null;
            foreach (var n in bucket.Nodes)
                if (!n.IsGood(now) && (stalest is null || n.LastSeen < stalest.LastSeen)) stalest = n;
            return stalest;
        }
    }

    /// <summary>A node queried us: it is alive (this keeps an answered node good); an unknown one is not added (it has not answered yet).</summary>
    public void Queried(NodeId id, DateTimeOffset now)
    {
        if (Find(id) is { } node) node.LastQuery = now;
    }

    /// <summary>
    /// A query to the node timed out. A node that is not good any more (bad, or questionable and now failing) gives its
    /// place to the freshest replacement, when there is one.
    /// </summary>
    public void Failed(NodeId id, DateTimeOffset now)
    {
        var bucket = _buckets[IndexOf(id)];
        var node = bucket.Find(id);
        if (node is null) return;
        node.Failures++;
        if (node.IsGood(now) || bucket.Replacements.Count == 0) return;
        var replacement = bucket.Replacements[^1];
        bucket.Replacements.RemoveAt(bucket.Replacements.Count - 1);
        bucket.Nodes[bucket.Nodes.IndexOf(node)] = new RoutingNode(replacement, now);
        bucket.Changed = now;
    }

    /// <summary>The <paramref name="count"/> nodes closest to <paramref name="target"/>, bad ones left out.</summary>
    public List<DhtContact> Closest(NodeId target, int count)
    {
        var all = new List<DhtContact>(Math.Min(Count, 256));
        foreach (var b in _buckets)
            foreach (var n in b.Nodes)
                if (!n.IsBad) all.Add(n.Contact);
        all.Sort((a, b) => target.CompareDistance(a.Id, b.Id));
        if (all.Count > count) all.RemoveRange(count, all.Count - count);
        return all;
    }

    public IEnumerable<DhtContact> Contacts()
    {
        foreach (var b in _buckets)
            foreach (var n in b.Nodes)
                yield return n.Contact;
    }

    /// <summary>For each bucket quiet for <paramref name="quiet"/>: a random id in its range, to look up (and mark it fresh).</summary>
    public List<NodeId> RefreshTargets(DateTimeOffset now, TimeSpan quiet, Random random)
    {
        var targets = new List<NodeId>();
        for (var i = 0; i < _buckets.Count; i++)
        {
            if (now - _buckets[i].Changed < quiet) continue;
            _buckets[i].Changed = now;
            targets.Add(RandomIdIn(i, random));
        }
        return targets;
    }

    /// <summary>A random id that falls into bucket <paramref name="index"/>.</summary>
    public NodeId RandomIdIn(int index, Random random)
    {
        if (index == _buckets.Count - 1) return Ours.RandomWithPrefix(index, random);
        // Share the first index bits, differ at bit index: flip it in our id, then randomise the rest.
        var flipped = Ours.Xor(Bit(index));
        return flipped.RandomWithPrefix(index + 1, random);
    }

    private static NodeId Bit(int index) => index switch
    {
        < 64 => new NodeId(1UL << (63 - index), 0, 0),
        < 128 => new NodeId(0, 1UL << (127 - index), 0),
        _ => new NodeId(0, 0, 1U << (159 - index)),
    };

    private void Split(DateTimeOffset now)
    {
        var last = _buckets[^1];
        var next = new RoutingBucket(now);
        var depth = _buckets.Count - 1;
        _buckets.Add(next);
        for (var i = last.Nodes.Count - 1; i >= 0; i--)
        {
            if (Ours.CommonPrefix(last.Nodes[i].Contact.Id) <= depth) continue;
            next.Nodes.Add(last.Nodes[i]);
            last.Nodes.RemoveAt(i);
        }
        for (var i = last.Replacements.Count - 1; i >= 0; i--)
        {
            if (Ours.CommonPrefix(last.Replacements[i].Id) <= depth) continue;
            next.Replacements.Insert(0, last.Replacements[i]);
            last.Replacements.RemoveAt(i);
        }
    }

    private void Remember(RoutingBucket bucket, DhtContact contact)
    {
        bucket.Replacements.RemoveAll(r => r.Id == contact.Id);
        bucket.Replacements.Add(contact);
        if (bucket.Replacements.Count > MaxReplacements) bucket.Replacements.RemoveAt(0);
    }
}
