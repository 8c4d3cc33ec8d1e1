using System.Net;
using Engine.Core.Peers;
using Engine.Core.Primitives;

namespace Engine.Tests.Core.Peers;

public sealed class DuplicateConnectionsTests
{
    private static readonly IPEndPoint Here = new(IPAddress.Parse("198.51.100.7"), 40001);
    private static readonly IPEndPoint HereAgain = new(IPAddress.Parse("198.51.100.7"), 40002);
    private static readonly IPEndPoint Elsewhere = new(IPAddress.Parse("203.0.113.9"), 40003);

    private static PeerId Id(char c) => PeerId.FromBytes(System.Text.Encoding.ASCII.GetBytes("-XX0000-" + new string(c, 12)));

    /// <summary>libtorrent's rule as 2.0.8's bt_peer_connection states it: the greater peer id's dial stays.</summary>
    private static bool LibtorrentKeepsDialOf(PeerId dialler, PeerId other) => dialler.Span.SequenceCompareTo(other.Span) > 0;

    [Theory]
    [InlineData('a', 'b')]
    [InlineData('b', 'a')]
    [InlineData('A', 'z')]
    public void Of_our_dial_and_theirs_both_ends_keep_the_one_the_greater_peer_id_dialled_as_libtorrent_does(char oursChar, char theirsChar)
    {
        var (ours, theirs) = (Id(oursChar), Id(theirsChar));
        // Our dial older, theirs newer; and the other way round. The survivor must be the dial libtorrent keeps.
        var keepTheirs = DuplicateConnections.KeepNewer(ours, theirs, olderOutgoing: true, Here, newerOutgoing: false, HereAgain);
        Assert.Equal(LibtorrentKeepsDialOf(theirs, ours), keepTheirs);
        var keepOurs = DuplicateConnections.KeepNewer(ours, theirs, olderOutgoing: false, HereAgain, newerOutgoing: true, Here);
        Assert.Equal(LibtorrentKeepsDialOf(ours, theirs), keepOurs);
        // And the other end, computing the same with the ids swapped, keeps the same connection.
        Assert.Equal(keepTheirs, DuplicateConnections.KeepNewer(theirs, ours, olderOutgoing: false, Here, newerOutgoing: true, HereAgain));
    }

    [Fact]
    public void Of_two_of_our_dials_the_older_stays()
        => Assert.False(DuplicateConnections.KeepNewer(Id('a'), Id('b'), olderOutgoing: true, Here, newerOutgoing: true, HereAgain));

    [Fact]
    public void A_peer_that_dials_again_from_its_address_replaces_its_first_connection_but_not_from_another_address()
    {
        Assert.True(DuplicateConnections.KeepNewer(Id('a'), Id('b'), olderOutgoing: false, Here, newerOutgoing: false, HereAgain));
        Assert.False(DuplicateConnections.KeepNewer(Id('a'), Id('b'), olderOutgoing: false, Here, newerOutgoing: false, Elsewhere));
    }
}
