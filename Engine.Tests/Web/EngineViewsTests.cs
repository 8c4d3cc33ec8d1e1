using System.Net;
using Engine.Api;
using Engine.Core.Primitives;
using Engine.Host.Web;

namespace Engine.Tests.Web;

/// <summary>What the page and the REST API show of the engine's snapshots.</summary>
public sealed class EngineViewsTests
{
    [Fact]
    public void A_peer_row_says_where_the_peer_came_from_and_whether_its_connection_is_encrypted()
    {
        var snapshot = new PeerSnapshot(new IPEndPoint(IPAddress.Parse("10.1.2.3"), 6881), "libtorrent 2.0.8", "-LT2080-", 2048, 1024, 10, 20,
            false, true, false, true, false, 0.5, DateTimeOffset.UnixEpoch) { Source = PeerSource.Pex, Encrypted = true };
        var row = EngineViews.Peer(snapshot);
        Assert.Equal("10.1.2.3:6881", row.Address);
        Assert.Equal("pex", row.Source);
        Assert.True(row.Encrypted);
        Assert.False(EngineViews.Peer(snapshot with { Encrypted = false, Source = PeerSource.Incoming }).Encrypted);
        Assert.Equal("incoming", EngineViews.Peer(snapshot with { Source = PeerSource.Incoming }).Source);
    }

    [Fact]
    public void A_web_seed_row_shows_its_url_as_the_address_and_webseed_as_its_source()
    {
        var snapshot = new PeerSnapshot(new IPEndPoint(IPAddress.Parse("100::1"), 0), "web seed", "", 4096, 0, 100, 0,
            true, true, false, false, false, 1, DateTimeOffset.UnixEpoch) { Source = PeerSource.WebSeed, Url = "http://mirror.example/pub/" };
        var row = EngineViews.Peer(snapshot);
        Assert.Equal("http://mirror.example/pub/", row.Address);
        Assert.Equal("webseed", row.Source);
        Assert.Equal("web seed", row.Client);
    }
}
