namespace Engine.Bench.Scale;

/// <summary>One sample of one kind of actor (or queue): when, how many there were, their depths' sum and largest.</summary>
public readonly record struct KindSample(double Seconds, int Actors, long Sum, int Max);

/// <summary>
/// Every sample of one kind of actor: the per-sample sum and largest depth over time, and how often each single depth
/// was seen (for percentiles over every actor of the kind at every sample).
/// </summary>
public sealed class KindSamples(string kind)
{
    private readonly List<KindSample> _series = [];
    private readonly Dictionary<int, long> _depthCounts = [];

    public string Kind { get; } = kind;
    public IReadOnlyList<KindSample> Series => _series;

    public void Add(double seconds, List<int> depths)
    {
        if (depths.Count == 0) return;
        long sum = 0;
        var max = 0;
        foreach (var d in depths)
        {
            sum += d;
            if (d > max) max = d;
            _depthCounts[d] = _depthCounts.GetValueOrDefault(d) + 1;
        }
        _series.Add(new KindSample(seconds, depths.Count, sum, max));
    }

    /// <summary>The depth at or below which <paramref name="fraction"/> of the single (actor, sample) depths fall.</summary>
    public int Percentile(double fraction)
    {
        long total = 0;
        foreach (var c in _depthCounts.Values) total += c;
        if (total == 0) return 0;
        var rank = (long)Math.Ceiling(fraction * total);
        long seen = 0;
        foreach (var d in _depthCounts.Keys.Order())
        {
            seen += _depthCounts[d];
            if (seen >= rank) return d;
        }
        return 0;
    }

    /// <summary>
    /// Messages seen queued in this kind's deep mailboxes (at least <see cref="MailboxPeek.Threshold"/>), by type, summed
    /// over the samples; empty when none was that deep.
    /// </summary>
    public IReadOnlyDictionary<string, long> DeepQueued { get; private init; } = new Dictionary<string, long>();

    public KindSamples Copy(IReadOnlyDictionary<string, long>? deepQueued = null)
    {
        var copy = new KindSamples(Kind) { DeepQueued = deepQueued is null ? new Dictionary<string, long>() : new Dictionary<string, long>(deepQueued) };
        copy._series.AddRange(_series);
        foreach (var (d, c) in _depthCounts) copy._depthCounts[d] = c;
        return copy;
    }
}
