using System.Net;
using Engine.Core.Peers;
using Engine.Core.Primitives;

namespace Engine.Tests.Core.Peers;

/// <summary>One connection per host, and which peer gives its slot to a newcomer.</summary>
public sealed class ConnectionHygieneTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly PeerId A = PeerId.FromBytes("-TS0001-aaaaaaaaaaaa"u8), B = PeerId.FromBytes("-TS0001-bbbbbbbbbbbb"u8);

    private static IPEndPoint Ep(string s) => IPEndPoint.Parse(s);

    [Fact]
    public void A_second_peer_on_a_host_is_one_too_many_but_the_same_peer_again_is_left_to_the_duplicate_rule()
    {
        var h = new ConnectionHygiene();
        HostConnection[] others = [new(Ep("10.0.0.1:6881"), A, Outgoing: true)];
        Assert.True(h.HostFull(Ep("10.0.0.1:50000"), B, others));
        Assert.False(h.HostFull(Ep("10.0.0.1:50000"), A, others));
        Assert.False(h.HostFull(Ep("10.0.0.2:50000"), B, others));
        Assert.True(h.HostFull(Ep("10.0.0.1:7000"), null, others)); // a dial to another port of that host
    }

    [Fact]
    public void A_dial_not_answered_yet_may_be_the_peer_now_dialling_us()
    {
        var h = new ConnectionHygiene();
        HostConnection[] others = [new(Ep("10.0.0.1:6881"), null, Outgoing: true)];
        Assert.False(h.HostFull(Ep("10.0.0.1:50000"), B, others));
        Assert.True(h.HostFull(Ep("10.0.0.1:6882"), null, others));
    }

    [Fact]
    public void Shared_hosts_are_exempt_and_the_limit_can_be_raised()
    {
        HostConnection[] local = [.. Enumerable.Range(0, 10).Select(i => new HostConnection(Ep($"127.0.0.1:{6000 + i}"), null, false))];
        Assert.False(new ConnectionHygiene().HostFull(Ep("127.0.0.1:7000"), B, local));
        Assert.False(new ConnectionHygiene().HostFull(Ep("[::1]:7000"), B, [new(Ep("[::1]:1"), A, false)]));
        HostConnection[] two = [new(Ep("10.0.0.1:1"), A, false), new(Ep("10.0.0.1:2"), null, false)];
        Assert.False(new ConnectionHygiene(maxPerHost: 3).HostFull(Ep("10.0.0.1:3"), B, two));
        Assert.True(new ConnectionHygiene(maxPerHost: 2).HostFull(Ep("10.0.0.1:3"), B, two));
    }

    [Fact]
    public void Turnover_picks_the_peer_idle_longest_among_those_with_no_interest_either_way()
    {
        var h = new ConnectionHygiene(idleTurnover: TimeSpan.FromSeconds(60));
        var now = T0.AddMinutes(10);
        SlotPeer[] peers =
        [
            new(1, PeerInterested: true, AmInterested: false, T0, T0),           // wants our data
            new(2, PeerInterested: false, AmInterested: true, T0, T0),           // has data we want
            new(3, false, false, T0, now.AddSeconds(-30)),                       // active 30 s ago
            new(4, false, false, now.AddSeconds(-20), now.AddSeconds(-20)),      // just arrived
            new(5, false, false, T0, now.AddMinutes(-3)),
            new(6, false, false, T0, now.AddMinutes(-5)),
        ];
        Assert.Equal(6, h.ChooseTurnover(peers, now));
        Assert.Null(h.ChooseTurnover(peers.Take(4), now));
    }
}
