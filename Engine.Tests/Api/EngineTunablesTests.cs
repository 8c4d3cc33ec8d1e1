using Engine.Api;
using Engine.Core.Metadata;
using Engine.Core.Peers;
using Engine.Core.Trackers;
using Engine.Peers;
using Engine.Runtime;

namespace Engine.Tests.Api;

/// <summary><see cref="EngineTunables"/>: the public record of timers and limits, mapped onto the engine's internal options.</summary>
public sealed class EngineTunablesTests
{
    private static EngineOptions Map(EngineTunables tunables) => new TorrentEngineOptions { StateDirectory = "state", Tunables = tunables }.ToEngineOptions();

    [Fact]
    public void The_public_defaults_are_the_engines_own_defaults()
    {
        var o = Map(new EngineTunables());
        var peers = new PeerSettings();
        var manager = new PeerManagerSettings();
        var trackers = new TrackerSettings();
        var metadata = new MetadataSettings();
        Assert.Equal((peers.ConnectTimeout, peers.HandshakeTimeout, peers.KeepAliveInterval, peers.SilenceTimeout, peers.RequestTimeout, peers.MaxQueuedUploadRequests),
            (o.Peers.ConnectTimeout, o.Peers.HandshakeTimeout, o.Peers.KeepAliveInterval, o.Peers.SilenceTimeout, o.Peers.RequestTimeout, o.Peers.MaxQueuedUploadRequests));
        Assert.Equal((manager.UploadSlots, manager.RechokeInterval, manager.OptimisticInterval, manager.RedialInterval, manager.RetryBackoff),
            (o.PeerManager.UploadSlots, o.PeerManager.RechokeInterval, o.PeerManager.OptimisticInterval, o.PeerManager.RedialInterval, o.PeerManager.RetryBackoff));
        Assert.Equal(trackers, o.Trackers);
        Assert.Equal(metadata, o.Metadata);
        Assert.Equal(new EngineOptions().ResumeSaveInterval, o.ResumeSaveInterval);
        Assert.Null(o.ExtraHocon);
    }

    [Fact]
    public void Every_tunable_reaches_the_part_of_the_engine_it_names()
    {
        static TimeSpan s(int seconds) => TimeSpan.FromSeconds(seconds);
        var o = Map(new EngineTunables
        {
            ConnectTimeout = s(1), HandshakeTimeout = s(2), KeepAliveInterval = s(3), PeerSilenceTimeout = s(4), RequestTimeout = s(5),
            MaxQueuedUploadRequests = 6, UploadSlots = 7, RechokeInterval = s(8), OptimisticUnchokeInterval = s(9), RedialInterval = s(10),
            RedialBackoff = s(11), RandomSeed = 12, TrackerNumWant = 13, TrackerMinimumInterval = s(14), TrackerRetryBase = s(15),
            TrackerRetryMax = s(16), TrackerRequestTimeout = s(17), UdpTrackerRetransmitBase = s(18), MetadataParallelPeers = 19,
            MetadataPeerTimeout = s(20), MetadataRetryInterval = s(21), ResumeSaveInterval = s(22), AkkaHocon = "akka.loglevel = DEBUG",
        });
        Assert.Equal((s(1), s(2), s(3), s(4), s(5), 6), (o.Peers.ConnectTimeout, o.Peers.HandshakeTimeout, o.Peers.KeepAliveInterval, o.Peers.SilenceTimeout, o.Peers.RequestTimeout, o.Peers.MaxQueuedUploadRequests));
        Assert.Equal((7, s(8), s(9), s(10), s(11), 12), (o.PeerManager.UploadSlots, o.PeerManager.RechokeInterval, o.PeerManager.OptimisticInterval, o.PeerManager.RedialInterval, o.PeerManager.RetryBackoff, o.PeerManager.Seed));
        Assert.Equal((13, s(14), s(15), s(16), s(17), s(18)), (o.Trackers.NumWant, o.Trackers.MinimumInterval, o.Trackers.RetryBase, o.Trackers.RetryMax, o.Trackers.RequestTimeout, o.Trackers.UdpRetransmitBase));
        Assert.Equal((19, s(20), s(21)), (o.Metadata.ParallelPeers, o.Metadata.SessionTimeout, o.Metadata.RetryInterval));
        Assert.Equal((s(22), "akka.loglevel = DEBUG"), (o.ResumeSaveInterval, o.ExtraHocon));
    }

    [Theory]
    [InlineData("KeepAliveInterval")]
    [InlineData("RechokeInterval")]
    [InlineData("UploadSlots")]
    [InlineData("MetadataParallelPeers")]
    public void A_value_out_of_range_is_refused_naming_it(string name)
    {
        var bad = name switch
        {
            "KeepAliveInterval" => new EngineTunables { KeepAliveInterval = TimeSpan.Zero },
            "RechokeInterval" => new EngineTunables { RechokeInterval = TimeSpan.FromSeconds(-1) },
            "UploadSlots" => new EngineTunables { UploadSlots = 0 },
            _ => new EngineTunables { MetadataParallelPeers = -3 },
        };
        var e = Assert.Throws<InvalidEngineOptionsException>(() => new TorrentEngineOptions { Tunables = bad }.Validate());
        Assert.Contains("Tunables." + name, e.Message);
    }
}
