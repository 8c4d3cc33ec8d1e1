using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Engine.Runtime;
using Engine.Tests.Interop;

namespace Engine.Tests.Runtime;

/// <summary>Where the engine's root actor runs: a thread of its own in the engine's ActorSystem, the default dispatcher in a caller's.</summary>
public sealed class EngineSystemTests : TestKit
{
    private readonly TempDir _dir = new("engine-system");

    protected override void AfterAll()
    {
        _dir.Dispose();
        base.AfterAll();
    }

    private EngineOptions Options(string name) => new() { ListenOn = new IPEndPoint(IPAddress.Loopback, 0), ResumeDirectory = _dir.Sub(name) };

    private static string DispatcherOf(IActorRef actor) => ((ActorRefWithCell)actor).Underlying.Props.Dispatcher;

    [Fact]
    public async Task The_root_of_an_engine_in_its_own_system_runs_on_the_pinned_root_dispatcher_and_answers()
    {
        await using var engine = EngineSystem.Start(Options("own"), "root-dispatcher");
        Assert.Equal(EngineSystem.RootDispatcher, DispatcherOf(engine.Root));
        Assert.NotNull(await engine.ListenEndPointAsync());
    }

    [Fact]
    public async Task In_a_callers_system_without_that_dispatcher_the_root_runs_on_the_default_one()
    {
        await using var engine = EngineSystem.Attach(Sys, Options("attached"));
        Assert.False(Sys.Dispatchers.HasDispatcher(EngineSystem.RootDispatcher));
        Assert.Equal(Akka.Dispatch.Dispatchers.DefaultDispatcherId, DispatcherOf(engine.Root));
        Assert.NotNull(await engine.ListenEndPointAsync());
    }
}
