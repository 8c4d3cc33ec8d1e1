using System.Net;
using Engine.Api;
using Engine.Core.Primitives;
using Engine.Host.Output;

namespace Engine.Tests.Host;

/// <summary>The status display's "where peers came from" text, and the <c>dht</c> command's lines.</summary>
public sealed class PeerOriginsTests
{
    private static PeerSnapshot Peer(int port, PeerSource source) =>
        new(new IPEndPoint(IPAddress.Loopback, port), null, "", 0, 0, 0, 0, true, false, true, false, false, 0, DateTimeOffset.UnixEpoch) { Source = source };

    private static DhtStatus Dht(int nodes) => new("00", nodes, 3, 0, 0, 0, 0, null);

    [Fact]
    public void Sources_are_counted_in_a_fixed_order_and_the_dht_node_count_follows()
    {
        PeerSnapshot[] peers = [Peer(1, PeerSource.Pex), Peer(2, PeerSource.Tracker), Peer(3, PeerSource.Dht), Peer(4, PeerSource.Pex), Peer(5, PeerSource.Incoming)];
        Assert.Equal("from tracker 1, dht 1, pex 2, incoming 1  dht 143 nodes", PeerOrigins.Of(peers, Dht(143)).ToString());
        Assert.Equal("from lsd 1", PeerOrigins.Of([Peer(1, PeerSource.Lsd)], null).ToString());
        Assert.Equal("dht 1 node", PeerOrigins.Of([], Dht(1)).ToString());
        Assert.Equal("", PeerOrigins.Of([], null).ToString());
    }

    [Fact]
    public void The_dht_commands_lines_name_every_node_and_stored_torrent()
    {
        var now = DateTimeOffset.UnixEpoch.AddHours(1);
        var table = new DhtTable(
            [new DhtTableNode(new string('a', 40), new IPEndPoint(IPAddress.Parse("10.0.0.1"), 6881), 0, true, now.AddSeconds(-12)),
             new DhtTableNode(new string('b', 40), new IPEndPoint(IPAddress.Parse("10.0.0.2"), 6882), 5, false, now.AddMinutes(-20))],
            [new DhtStoredTorrent(InfoHash.FromHex(new string('c', 40)), 3)]);
        var lines = DhtLines.Table(table, now).ToList();
        Assert.Equal("routing table: 2 nodes", lines[0]);
        Assert.Matches(@"^  bucket +0  a{40}  10\.0\.0\.1:6881 +good +seen 12 s ago$", lines[1]);
        Assert.Matches(@"^  bucket +5  b{40}  10\.0\.0\.2:6882 +questionable +seen 1200 s ago$", lines[2]);
        Assert.Equal("stored: 1 torrent", lines[3]);
        Assert.Equal($"  {new string('c', 40)}  3 peers", lines[4]);
        Assert.Equal("nodes 143 in 3 buckets  lookups 0 running, 0 waiting  stored 0 peers of 0 torrents", DhtLines.Status(Dht(143)));
    }
}
