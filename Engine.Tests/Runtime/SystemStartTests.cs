using Akka.Actor;
using Akka.Serialization;
using Engine.Api;
using Engine.Runtime;

namespace Engine.Tests.Runtime;

/// <summary>
/// An engine's own ActorSystem (<see cref="TorrentEngine.CreateSystem"/>): started without Akka's read of the .config
/// (<see cref="SystemStart"/>) yet with the engine's configuration, and with Akka's JSON serializer made on its first
/// use (<see cref="DeferredJsonSerializer"/>), which then writes and reads what Akka's own does.
/// </summary>
public sealed class SystemStartTests
{
    public sealed record Sample(string Name, int Count, List<string> Items);

    [Fact]
    public async Task The_engine_system_has_the_engine_configuration_and_a_json_serializer_that_matches_akkas_own()
    {
        var system = TorrentEngine.CreateSystem(null, null);
        try
        {
            Assert.Equal(30, system.Settings.Config.GetInt("akka.actor.default-dispatcher.throughput"));
            Assert.True(system.Dispatchers.HasDispatcher(EngineSystem.RootDispatcher));
            var serializer = system.Serialization.FindSerializerForType(typeof(Sample));
            Assert.IsType<DeferredJsonSerializer>(serializer);
            var akkas = new NewtonSoftJsonSerializer((ExtendedActorSystem)system);
            Assert.Equal(akkas.Identifier, serializer.Identifier);
            Assert.Equal(akkas.IncludeManifest, serializer.IncludeManifest);

            var sample = new Sample("x", 3, ["a", "b"]);
            var bytes = serializer.ToBinary(sample);
            Assert.Equal(akkas.ToBinary(sample), bytes);
            var back = Assert.IsType<Sample>(system.Serialization.Deserialize(bytes, serializer.Identifier, typeof(Sample)));
            Assert.Equal(sample.Name, back.Name);
            Assert.Equal(sample.Items, back.Items);
        }
        finally { await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10)); }
    }

    [Fact]
    public async Task A_json_serializer_named_in_the_engines_own_hocon_wins()
    {
        var system = TorrentEngine.CreateSystem("""akka.actor.serializers.json = "Akka.Serialization.NewtonSoftJsonSerializer, Akka" """, null);
        try { Assert.IsType<NewtonSoftJsonSerializer>(system.Serialization.FindSerializerForType(typeof(Sample))); }
        finally { await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10)); }
    }
}
