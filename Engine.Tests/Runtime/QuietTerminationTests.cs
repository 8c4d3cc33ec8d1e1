using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;
using Engine.Api;
using Engine.Tests.Api;
using Engine.Tests.Interop;

namespace Engine.Tests.Runtime;

/// <summary>
/// An engine that owns its ActorSystem stops without Akka's closing Info line: that line raced Akka's own loggers
/// being stopped and, when it lost, went to the console after the host's last output.
/// </summary>
public sealed class QuietTerminationTests : IDisposable
{
    private readonly TempDir _dir = new("quiet-stop");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task An_engine_that_owns_its_system_publishes_no_info_while_it_stops()
    {
        // With a logger factory, as the host starts it: Akka's Info events are then published (to the factory).
        var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        Assert.True(engine.System.EventStream.LogLevel <= LogLevel.InfoLevel, "the engine's system does not log at Info: this test would prove nothing");
        var heard = new Recorder();
        engine.System.EventStream.Subscribe(heard, typeof(LogEvent));
        await engine.DisposeAsync();
        await engine.System.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(heard.Events, e => e is Info);
    }

    /// <summary>Keeps what the event stream publishes; not an actor, so it outlives the system's actors as Akka's console logger does.</summary>
    private sealed class Recorder : MinimalActorRef
    {
        public ConcurrentQueue<object> Events { get; } = new();
        public override ActorPath Path { get; } = new RootActorPath(Address.AllSystems, "/QuietTerminationRecorder");
        public override IActorRefProvider Provider => throw new NotSupportedException();
        protected override void TellInternal(object message, IActorRef sender) => Events.Enqueue(message);
    }
}
