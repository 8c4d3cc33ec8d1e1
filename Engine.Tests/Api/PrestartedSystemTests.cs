using Engine.Api;

namespace Engine.Tests.Api;

public sealed class PrestartedSystemTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("engine-prestart-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_state, recursive: true); } catch (IOException) { }
    }

    private string StateDir(string name) => Path.Combine(_state, name);

    [Fact]
    public async Task An_engine_runs_in_the_prestarted_system_and_its_stop_terminates_it()
    {
        await using var prestarted = PrestartedSystem.Start();
        var engine = TorrentEngine.Create(ApiTestEngines.Options(StateDir("a")), prestarted);
        Assert.NotNull(engine.ListenEndPoint);
        Assert.Empty(engine.Torrents);
        await engine.StopAsync();
        await engine.System.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_prestarted_system_no_engine_took_is_terminated_when_disposed()
    {
        var prestarted = PrestartedSystem.Start();
        var engine = TorrentEngine.Create(ApiTestEngines.Options(StateDir("a")) with { Tunables = new() { AkkaHocon = "akka.actor.default-dispatcher.throughput = 7" } }, prestarted);
        try
        {
            // Its own configuration asked for a system of its own: the prestarted one goes.
            Assert.Equal(7, engine.System.Settings.Config.GetInt("akka.actor.default-dispatcher.throughput"));
        }
        finally { await engine.StopAsync(); }
        await prestarted.DisposeAsync();

        var unused = PrestartedSystem.Start();
        await unused.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_prestarted_system_serves_one_engine_only()
    {
        await using var prestarted = PrestartedSystem.Start();
        await using var first = TorrentEngine.Create(ApiTestEngines.Options(StateDir("a")), prestarted);
        Assert.Throws<InvalidOperationException>(() => TorrentEngine.Create(ApiTestEngines.Options(StateDir("b")), prestarted));
    }

    [Fact]
    public async Task Refused_options_leave_the_system_to_its_owner_and_a_later_engine_takes_it()
    {
        await using var prestarted = PrestartedSystem.Start();
        Assert.Throws<InvalidEngineOptionsException>(() => TorrentEngine.Create(ApiTestEngines.Options(StateDir("a")) with { MaxConnectionsPerTorrent = 0 }, prestarted));
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(StateDir("b")), prestarted);
        Assert.NotNull(engine.ListenEndPoint);
    }
}
