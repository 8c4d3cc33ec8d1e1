using Akka.Actor;
using Akka.Configuration;
using Engine.Cluster.Configuration;
using Engine.Cluster.Trackers;

namespace Engine.Tests.Cluster.Trackers;

public sealed class SwarmShardSerializerTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("serializer-test");
    private readonly SwarmShardSerializer _serializer;

    public SwarmShardSerializerTests() => _serializer = new SwarmShardSerializer((ExtendedActorSystem)_system);

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    private object RoundTrip(object message) => _serializer.FromBinary(_serializer.ToBinary(message), _serializer.Manifest(message));

    private static byte[] Filled(int length, byte value) => Enumerable.Repeat(value, length).ToArray();

    [Fact]
    public void An_announce_comes_back_field_for_field()
    {
        var a = new SwarmShard.Announce(17, Filled(20, 1), Filled(20, 2), [10, 0, 0, 7], 6881, 1L << 40, 12345, long.MaxValue, 2, 50, "::1");
        var b = Assert.IsType<SwarmShard.Announce>(RoundTrip(a));
        Assert.Equal((a.Shard, a.Port, a.Uploaded, a.Downloaded, a.Left, a.Event, a.NumWant, a.Ip), (b.Shard, b.Port, b.Uploaded, b.Downloaded, b.Left, b.Event, b.NumWant, b.Ip));
        Assert.Equal(a.InfoHash, b.InfoHash);
        Assert.Equal(a.PeerId, b.PeerId);
        Assert.Equal(a.Source, b.Source);
        Assert.Null(Assert.IsType<SwarmShard.Announce>(RoundTrip(a with { Ip = null })).Ip);
    }

    [Fact]
    public void An_answer_comes_back_with_every_peer_v4_and_v6()
    {
        var a = new SwarmShard.Announced(null, 3, 4, 5, [[127, 0, 0, 1], Filled(16, 9)], [6001, 6002], [Filled(20, 3), Filled(20, 4)]);
        var b = Assert.IsType<SwarmShard.Announced>(RoundTrip(a));
        Assert.Equal((3, 4, 5, (string?)null), (b.Seeders, b.Leechers, b.Completed, b.Failure));
        Assert.Equal(a.Addresses, b.Addresses);
        Assert.Equal(a.Ports, b.Ports);
        Assert.Equal(a.PeerIds, b.PeerIds);
        var failed = Assert.IsType<SwarmShard.Announced>(RoundTrip(new SwarmShard.Announced("not tracked", 0, 0, 0, [], [], [])));
        Assert.Equal("not tracked", failed.Failure);
        Assert.Empty(failed.Addresses);
    }

    [Fact]
    public void Truncated_or_unknown_bytes_throw_instead_of_making_a_message()
    {
        var bytes = _serializer.ToBinary(new SwarmShard.Announced(null, 1, 1, 1, [[127, 0, 0, 1]], [1], [Filled(20, 1)]));
        Assert.ThrowsAny<Exception>(() => _serializer.FromBinary(bytes[..^5], "a"));
        Assert.ThrowsAny<Exception>(() => _serializer.FromBinary(bytes, "?"));
        Assert.ThrowsAny<Exception>(() => _serializer.FromBinary([0, 0xFF, 0xFF, 0xFF, 0x7F], "a"));
    }

    [Fact]
    public void The_tracker_clusters_configuration_binds_the_announce_and_its_answer_to_it()
    {
        var config = ConfigurationFactory.ParseString(ClusterHocon.ForTracker("127.0.0.1", 0, [], 1, TimeSpan.FromSeconds(5), 1024));
        Assert.Equal(typeof(SwarmShardSerializer), Type.GetType(config.GetString("akka.actor.serializers.swarm")));
        var bindings = config.GetConfig("akka.actor.serialization-bindings").AsEnumerable().Select(p => (Type.GetType(p.Key.Trim('"')), p.Value.GetString())).ToList();
        Assert.Contains((typeof(SwarmShard.Announce), "swarm"), bindings);
        Assert.Contains((typeof(SwarmShard.Announced), "swarm"), bindings);
    }
}
