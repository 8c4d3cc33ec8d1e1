using System.Net;

namespace Engine.Core.Trackers;

/// <summary>
/// UDP tracker connection ids by tracker endpoint (BEP 15): an id is reused for at most <see cref="Lifetime"/>
/// after the tracker issued it, then a new one must be asked for. Pure: takes <c>now</c>; not thread-safe.
/// </summary>
internal sealed class UdpConnectionCache
{
    private readonly Dictionary<IPEndPoint, (long Id, DateTimeOffset Issued)> _ids = new();

    public UdpConnectionCache(TimeSpan lifetime)
    {
        if (lifetime <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(lifetime), "a connection id lifetime must be positive");
        Lifetime = lifetime;
    }

    public TimeSpan Lifetime { get; }

    public int Count => _ids.Count;

    /// <summary>The tracker's connection id if it was issued less than <see cref="Lifetime"/> ago.</summary>
    public bool TryGet(IPEndPoint tracker, DateTimeOffset now, out long id)
    {
        if (_ids.TryGetValue(tracker, out var entry) && now - entry.Issued < Lifetime && now >= entry.Issued)
        {
            id = entry.Id;
            return true;
        }
        id = 0;
        return false;
    }

    /// <summary>Records a connection id the tracker just issued (and drops expired ones, so the cache stays small).</summary>
    public void Store(IPEndPoint tracker, long id, DateTimeOffset now)
    {
        if (_ids.Count > 0)
        {
            List<IPEndPoint>? expired = null;
            foreach (var (endpoint, entry) in _ids)
                if (now - entry.Issued >= Lifetime) (expired ??= new()).Add(endpoint);
            if (expired is not null)
                foreach (var endpoint in expired) _ids.Remove(endpoint);
        }
        _ids[tracker] = (id, now);
    }

    /// <summary>Forgets the tracker's id (e.g. after it refused it).</summary>
    public void Forget(IPEndPoint tracker) => _ids.Remove(tracker);
}
