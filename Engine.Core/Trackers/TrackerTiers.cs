namespace Engine.Core.Trackers;

/// <summary>
/// The announce list of BEP 12 as a pure core: tiers tried in order, trackers shuffled within their tier once at
/// the start, and a tracker that answered moved to the front of its tier. Every announce is a round from the first
/// tracker of the first tier; each failure moves to the next tracker, then to the next tier.
/// </summary>
internal sealed class TrackerTiers
{
    private readonly List<List<string>> _tiers = new();
    private int _tier, _index;

    /// <summary>Empty tiers and repeated URLs (kept where first seen) are dropped.</summary>
    public TrackerTiers(IReadOnlyList<IReadOnlyList<string>> tiers, Random random)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tier in tiers)
        {
            var list = new List<string>();
            foreach (var url in tier)
                if (seen.Add(url)) list.Add(url);
            for (var i = list.Count - 1; i > 0; i--)
            {
                var j = random.Next(i + 1);
                (list[i], list[j]) = (list[j], list[i]);
            }
            if (list.Count > 0) _tiers.Add(list);
        }
    }

    /// <summary>The tiers in their current order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Tiers => _tiers;

    public bool IsEmpty => _tiers.Count == 0;

    /// <summary>The tracker to try next in this round; null when every tracker failed in it.</summary>
    public string? Current => _tier < _tiers.Count ? _tiers[_tier][_index] : null;

    /// <summary>The zero-based tier of a URL, or -1.</summary>
    public int TierOf(string url)
    {
        for (var t = 0; t < _tiers.Count; t++)
            if (_tiers[t].Contains(url)) return t;
        return -1;
    }

    /// <summary>Starts a round at the first tracker of the first tier.</summary>
    public void BeginRound() => (_tier, _index) = (0, 0);

    /// <summary>The current tracker failed: move on. False when the round has run out of trackers.</summary>
    public bool Failed()
    {
        if (_tier >= _tiers.Count) return false;
        if (++_index >= _tiers[_tier].Count)
        {
            _index = 0;
            _tier++;
        }
        return _tier < _tiers.Count;
    }

    /// <summary>A tracker answered: it moves to the front of its tier, and the next round starts from the first tier.</summary>
    public void Succeeded(string url)
    {
        var tier = TierOf(url);
        if (tier >= 0)
        {
            var list = _tiers[tier];
            list.Remove(url);
            list.Insert(0, url);
        }
        BeginRound();
    }
}
