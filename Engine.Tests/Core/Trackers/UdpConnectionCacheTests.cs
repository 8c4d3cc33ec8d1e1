using System.Net;
using Engine.Core.Trackers;

namespace Engine.Tests.Core.Trackers;

public sealed class UdpConnectionCacheTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly IPEndPoint A = new(IPAddress.Loopback, 1), B = new(IPAddress.Loopback, 2);

    [Fact]
    public void An_id_is_valid_for_less_than_the_lifetime_and_per_tracker_endpoint()
    {
        var cache = new UdpConnectionCache(TimeSpan.FromMinutes(1));
        cache.Store(A, 7, T0);
        Assert.True(cache.TryGet(A, T0.AddSeconds(59.9), out var id));
        Assert.Equal(7, id);
        Assert.False(cache.TryGet(A, T0.AddMinutes(1), out _));
        Assert.False(cache.TryGet(B, T0, out _));
        Assert.False(cache.TryGet(A, T0.AddSeconds(-1), out _)); // a clock that went back does not extend an id
    }

    [Fact]
    public void Storing_drops_expired_ids_and_forget_removes_one()
    {
        var cache = new UdpConnectionCache(TimeSpan.FromMinutes(1));
        cache.Store(A, 1, T0);
        cache.Store(B, 2, T0.AddMinutes(2));
        Assert.Equal(1, cache.Count);
        cache.Forget(B);
        Assert.Equal(0, cache.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => new UdpConnectionCache(TimeSpan.Zero));
    }
}
