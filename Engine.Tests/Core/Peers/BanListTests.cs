using System.Net;
using Engine.Core.Peers;

namespace Engine.Tests.Core.Peers;

/// <summary>The ban list: what a ban covers, expiry, the bound, and that a lookup does not depend on its size.</summary>
public sealed class BanListTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private static IPEndPoint Ep(string text) => IPEndPoint.Parse(text);

    [Fact]
    public void A_ban_covers_the_IP_address_off_a_shared_host_and_the_address_and_port_on_one()
    {
        var bans = new BanList();
        bans.Add(Ep("10.1.2.3:51000"), T0);
        bans.Add(Ep("127.0.0.1:6881"), T0);
        bans.Add(Ep("127.0.0.5:40000"), T0);
        Assert.True(bans.Contains(Ep("10.1.2.3:6881"), T0));
        Assert.True(bans.Contains(Ep("[::ffff:10.1.2.3]:1"), T0));
        Assert.True(bans.Contains(Ep("127.0.0.1:6881"), T0));
        Assert.False(bans.Contains(Ep("127.0.0.1:6882"), T0));
        Assert.True(bans.Contains(Ep("127.0.0.5:1"), T0));
        Assert.False(bans.Contains(Ep("127.0.0.6:40000"), T0));
    }

    [Fact]
    public void A_ban_ends_after_its_duration_and_a_new_ban_starts_it_again()
    {
        var bans = new BanList(duration: TimeSpan.FromMinutes(5));
        bans.Add(Ep("10.0.0.1:1"), T0);
        bans.Add(Ep("10.0.0.1:1"), T0.AddMinutes(4));
        Assert.True(bans.Contains(Ep("10.0.0.1:2"), T0.AddMinutes(8)));
        Assert.False(bans.Contains(Ep("10.0.0.1:2"), T0.AddMinutes(9)));
        Assert.Equal(0, bans.Count);
    }

    [Fact]
    public void Expired_bans_are_dropped_as_new_ones_come_and_the_oldest_goes_first_at_capacity()
    {
        var bans = new BanList(capacity: 100, duration: TimeSpan.FromMinutes(1));
        for (var i = 0; i < 100; i++) bans.Add(new IPEndPoint(new IPAddress([10, 0, 0, (byte)(i + 1)]), 1), T0);
        Assert.Equal(100, bans.Count);
        bans.Add(Ep("10.9.9.9:1"), T0.AddSeconds(1)); // full: the oldest ban is lifted
        Assert.Equal(100, bans.Count);
        Assert.False(bans.Contains(Ep("10.0.0.1:1"), T0.AddSeconds(1)));
        Assert.True(bans.Contains(Ep("10.9.9.9:1"), T0.AddSeconds(1)));
        bans.Add(Ep("10.8.8.8:1"), T0.AddMinutes(2)); // every earlier one has expired
        Assert.Equal(1, bans.Count);
    }

    [Fact]
    public void A_hundred_thousand_bans_stay_within_the_bound()
    {
        var bans = new BanList(capacity: 10_000);
        for (var i = 0; i < 100_000; i++) bans.Add(new IPEndPoint(IPAddress.Loopback, 1024 + i % 60_000), T0.AddMilliseconds(i));
        Assert.Equal(10_000, bans.Count);
        Assert.True(bans.Contains(new IPEndPoint(IPAddress.Loopback, 1024 + 99_999 % 60_000), T0.AddSeconds(100)));
    }

    [Fact]
    public void Remove_lifts_a_ban()
    {
        var bans = new BanList();
        bans.Add(Ep("10.0.0.1:1"), T0);
        Assert.True(bans.Remove(Ep("10.0.0.1:9")));
        Assert.False(bans.Contains(Ep("10.0.0.1:1"), T0));
        Assert.False(bans.Remove(Ep("10.0.0.1:1")));
    }
}
