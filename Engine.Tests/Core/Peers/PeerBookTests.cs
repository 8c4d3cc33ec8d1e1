using System.Net;
using Engine.Core.Peers;

namespace Engine.Tests.Core.Peers;

/// <summary>The pure address book: what may be dialled when, backoff after failures, and what a ban covers.</summary>
public sealed class PeerBookTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 20, 0, 0, TimeSpan.Zero);

    private static IPEndPoint Ep(string text) => IPEndPoint.Parse(text);

    [Fact]
    public void New_addresses_are_dialled_once_in_the_order_they_came_and_duplicates_are_ignored()
    {
        var book = new PeerBook();
        Assert.Equal(2, book.Add([Ep("10.0.0.1:6881"), Ep("10.0.0.2:6881"), Ep("10.0.0.1:6881"), Ep("10.0.0.3:0")]));
        Assert.Equal([Ep("10.0.0.1:6881"), Ep("10.0.0.2:6881")], book.Take(5, T0));
        Assert.Empty(book.Take(5, T0)); // both are marked connected
    }

    [Fact]
    public void A_failed_address_backs_off_twice_as_long_each_time_and_a_clean_session_resets_it()
    {
        var book = new PeerBook(TimeSpan.FromSeconds(10));
        var a = Ep("10.0.0.1:6881");
        book.Add([a]);
        book.Take(1, T0);
        book.Disconnected(a, failed: true, T0);
        Assert.Empty(book.Take(1, T0.AddSeconds(9)));
        Assert.Equal([a], book.Take(1, T0.AddSeconds(10)));
        book.Disconnected(a, failed: true, T0.AddSeconds(10));
        Assert.Equal(T0.AddSeconds(30), book.NextRetry(T0.AddSeconds(10)));
        Assert.Equal([a], book.Take(1, T0.AddSeconds(30)));
        book.Disconnected(a, failed: false, T0.AddSeconds(40));
        Assert.Equal(T0.AddSeconds(50), book.NextRetry(T0));
    }

    [Fact]
    public void Our_own_endpoint_leaves_the_book_is_never_taken_again_whoever_names_it_and_other_ports_of_its_ip_stay_dialable()
    {
        var book = new PeerBook(TimeSpan.FromSeconds(1));
        var self = Ep("10.0.0.1:6881");
        book.Add([self, Ep("10.0.0.2:6881")]);
        book.MarkOwn(self);
        Assert.Equal(1, book.Count); // not a known peer any more
        Assert.Equal(0, book.Add([self], Engine.Core.Primitives.PeerSource.Pex));
        Assert.Equal(1, book.Add([Ep("10.0.0.1:6882")]));
        Assert.Equal([Ep("10.0.0.2:6881"), Ep("10.0.0.1:6882")], book.Take(5, T0.AddHours(1)));
        Assert.False(book.MarkConnected(self, T0));
        Assert.True(book.IsBanned(self, T0));
        Assert.False(book.IsBanned(Ep("10.0.0.1:6883"), T0));
    }

    [Fact]
    public void At_most_sixteen_own_endpoints_are_held_so_lying_peers_strike_out_few()
    {
        var book = new PeerBook();
        for (var i = 1; i <= 40; i++) book.MarkOwn(Ep($"10.0.1.{i}:6881"));
        Assert.Equal(PeerBook.MaxOwn, Enumerable.Range(1, 40).Count(i => book.IsBanned(Ep($"10.0.1.{i}:6881"), T0)));
        Assert.Equal(40 - PeerBook.MaxOwn, book.Add(Enumerable.Range(1, 40).Select(i => Ep($"10.0.1.{i}:6881"))));
    }

    [Fact]
    public void A_ban_covers_every_port_of_the_peers_IP_address_including_ports_it_connects_from_later()
    {
        var book = new PeerBook();
        book.Add([Ep("10.0.0.1:6881"), Ep("10.0.0.1:7000"), Ep("10.0.0.2:6881")]);
        book.Ban(Ep("10.0.0.1:51234"), T0); // an incoming connection's ephemeral port
        Assert.True(book.IsBanned(Ep("10.0.0.1:6881"), T0));
        Assert.True(book.IsBanned(Ep("10.0.0.1:40000"), T0));
        Assert.True(book.IsBanned(Ep("[::ffff:10.0.0.1]:40000"), T0));
        Assert.False(book.IsBanned(Ep("10.0.0.2:6881"), T0));
        Assert.Equal([Ep("10.0.0.2:6881")], book.Take(10, T0));
        Assert.False(book.MarkConnected(Ep("10.0.0.1:7000"), T0));
        Assert.Null(book.NextRetry(T0)); // 10.0.0.2 is connected; nothing else may be dialled
    }

    [Fact]
    public void On_a_shared_host_a_ban_covers_only_that_address_and_port()
    {
        var book = new PeerBook();
        book.Add([Ep("127.0.0.1:6881"), Ep("127.0.0.1:6882"), Ep("[::1]:6881"), Ep("[::1]:6882")]);
        book.Ban(Ep("127.0.0.1:6881"), T0);
        book.Ban(Ep("[::1]:6881"), T0);
        Assert.True(book.IsBanned(Ep("127.0.0.1:6881"), T0));
        Assert.False(book.IsBanned(Ep("127.0.0.1:6882"), T0));
        Assert.False(book.IsBanned(Ep("[::1]:6882"), T0));
        Assert.Equal([Ep("127.0.0.1:6882"), Ep("[::1]:6882")], book.Take(10, T0));
    }

    [Fact]
    public void Other_loopback_addresses_are_hosts_of_their_own_and_a_ban_covers_the_whole_address()
    {
        var book = new PeerBook();
        book.Add([Ep("127.0.0.2:6881"), Ep("127.0.0.2:6882"), Ep("127.0.0.3:6881")]);
        book.Ban(Ep("127.0.0.2:40000"), T0);
        Assert.True(book.IsBanned(Ep("127.0.0.2:6882"), T0));
        Assert.False(book.IsBanned(Ep("127.0.0.3:6881"), T0));
        Assert.Equal([Ep("127.0.0.3:6881")], book.Take(10, T0));
    }

    [Fact]
    public void A_ban_expires_and_the_address_may_be_dialled_again()
    {
        var book = new PeerBook(bans: new BanList(duration: TimeSpan.FromMinutes(10)));
        book.Add([Ep("10.0.0.1:6881")]);
        book.Ban(Ep("10.0.0.1:6881"), T0);
        Assert.Empty(book.Take(10, T0.AddMinutes(9)));
        Assert.Equal([Ep("10.0.0.1:6881")], book.Take(10, T0.AddMinutes(10)));
    }

    [Fact]
    public void Bans_of_addresses_the_book_does_not_know_add_no_entries_to_it()
    {
        var book = new PeerBook();
        for (var i = 0; i < 1000; i++) book.Ban(new IPEndPoint(IPAddress.Parse("127.0.0.1"), 20000 + i), T0);
        Assert.Equal(0, book.Count);
        Assert.Equal(1000, book.BanCount);
        Assert.Null(book.NextRetry(T0));
    }

    [Fact]
    public void An_address_given_up_after_failed_dials_does_not_ban_its_IP()
    {
        var book = new PeerBook(TimeSpan.FromSeconds(1), maxFailures: 2);
        var a = Ep("10.0.0.1:6881");
        book.Add([a]);
        book.Take(1, T0);
        book.Disconnected(a, failed: true, T0);
        book.Take(1, T0.AddSeconds(1));
        book.Disconnected(a, failed: true, T0.AddSeconds(1));
        Assert.True(book.IsBanned(a, T0));
        Assert.False(book.IsBanned(Ep("10.0.0.1:6882"), T0));
    }

    [Fact]
    public void An_address_learnt_only_in_a_hybrids_v2_swarm_is_dialled_with_the_v2_hash()
    {
        var book = new PeerBook();
        var v2Only = Ep("10.0.0.1:6881");
        var both = Ep("10.0.0.2:6881");
        var v1 = Ep("10.0.0.3:6881");
        var v1First = Ep("10.0.0.4:6881");
        book.Add([v2Only, both], underV2: true);
        book.Add([v1, both, v1First]);                                  // the v1 swarm names both too: it knows the v1 hash
        book.Add([v1First], underV2: true);                            // learnt under v1 first: stays v1
        Assert.True(book.LearntUnderV2(v2Only));
        Assert.False(book.LearntUnderV2(both));
        Assert.False(book.LearntUnderV2(v1));
        Assert.False(book.LearntUnderV2(v1First));
        Assert.False(book.LearntUnderV2(Ep("10.0.0.9:6881")));           // unknown: the v1 hash
        book.Add([v2Only], Engine.Core.Primitives.PeerSource.Dht, underV2: true);
        Assert.True(book.LearntUnderV2(v2Only));                       // named again in the v2 swarm: unchanged
    }

    [Fact]
    public void A_full_book_still_learns_that_a_known_address_is_in_the_v1_swarm()
    {
        var book = new PeerBook(capacity: 1);
        var a = Ep("10.0.0.1:6881");
        book.Add([a], underV2: true);
        Assert.Equal(0, book.Add([Ep("10.0.0.2:6881"), a]));
        Assert.False(book.LearntUnderV2(a));
        Assert.Equal(1, book.Count);
    }
}
