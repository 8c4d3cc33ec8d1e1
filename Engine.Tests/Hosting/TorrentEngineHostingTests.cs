using System.Collections.Concurrent;
using System.Net;
using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using Engine.Api;
using Engine.Hosting;
using Engine.Tests.Api;
using Engine.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ApiState = Engine.Events.TorrentState;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Engine.Tests.Hosting;

/// <summary>Embedding: options from configuration, the hosted service with logging, and Akka.Hosting's builder.</summary>
public sealed class TorrentEngineHostingTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("engine-hosting-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_state, recursive: true); } catch (IOException) { }
    }

    private static IConfiguration Config(params (string Key, string Value)[] values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Options_are_read_from_the_TorrentEngine_section()
    {
        var o = TorrentEngineConfiguration.Read(Config(
            ("TorrentEngine:ListenOn", "127.0.0.1:7000"), ("TorrentEngine:StateDirectory", "/var/lib/t"),
            ("TorrentEngine:MaxConnectionsPerTorrent", "12"), ("TorrentEngine:MaxConnections", "99"),
            ("TorrentEngine:UploadLimit", "100000"), ("TorrentEngine:DownloadLimit", "none"), ("TorrentEngine:DiskBudgetBytes", "33554432"))
            .GetSection("TorrentEngine"));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 7000), o.ListenOn);
        Assert.Equal("/var/lib/t", o.StateDirectory);
        Assert.Equal((12, 99, 100000L, (long?)null, 33554432L), (o.MaxConnectionsPerTorrent, o.MaxConnections, o.UploadLimit!.Value, o.DownloadLimit, o.DiskBudgetBytes));
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Any, 6881), TorrentEngineConfiguration.ParseEndPoint("[::]:6881"));
        Assert.Null(TorrentEngineConfiguration.ParseEndPoint("none"));
        var defaults = TorrentEngineConfiguration.Read(Config().GetSection("TorrentEngine"));
        Assert.Equal(new TorrentEngineOptions().ListenOn, defaults.ListenOn);
    }

    [Theory]
    [InlineData("ListenOn", "somewhere", "TorrentEngine:ListenOn: 'somewhere' is not address:port")]
    [InlineData("ListenOn", "127.0.0.1", "is not address:port")]
    [InlineData("MaxConnections", "lots", "TorrentEngine:MaxConnections: 'lots' is not a whole number")]
    [InlineData("UploadLimit", "-5", "UploadLimit must be positive")]
    public void Bad_configuration_values_are_named(string key, string value, string message)
    {
        var e = Assert.Throws<InvalidEngineOptionsException>(() => TorrentEngineConfiguration.Read(Config(("TorrentEngine:" + key, value)).GetSection("TorrentEngine")));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public async Task AddTorrentEngine_runs_the_engine_as_a_hosted_service_and_routes_akka_logging_to_ILogger()
    {
        using var data = GeneratedTorrent.Create("hosted", [("a.bin", 50_000)], 32 * 1024);
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        services.AddTorrentEngine(Config(("TorrentEngine:ListenOn", "127.0.0.1:0"), ("TorrentEngine:StateDirectory", Path.Combine(_state, "s"))));
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var h in hosted) await h.StartAsync(CancellationToken.None);

        var engine = provider.GetRequiredService<TorrentEngine>();
        Assert.Equal(IPAddress.Loopback, engine.ListenEndPoint!.Address);
        var handle = await engine.AddAsync(data.Bytes, data.SeedDirectory);
        await handle.WaitForStateAsync(ApiState.Seeding);
        engine.System.Log.Warning("a warning from inside the actor system");
        await WaitUntil(() => logs.Lines.Any(l => l.Contains("a warning from inside the actor system")), "the Akka warning in ILogger");
        Assert.Contains(logs.Lines, l => l.StartsWith("Information Engine.Hosting.TorrentEngineService", StringComparison.Ordinal) && l.Contains("listening on 127.0.0.1:"));

        foreach (var h in Enumerable.Reverse(hosted)) await h.StopAsync(CancellationToken.None);
        Assert.True(engine.System.WhenTerminated.IsCompleted);
        Assert.Empty(TorrentEngineTests.OpenFilesUnder(data.SeedDirectory));
    }

    [Fact]
    public async Task AddTorrentEngine_in_code_takes_the_options_given()
    {
        var services = new ServiceCollection();
        services.AddTorrentEngine(o => o with { ListenOn = null, StateDirectory = Path.Combine(_state, "c"), MaxConnectionsPerTorrent = 3 });
        await using var provider = services.BuildServiceProvider();
        var engine = provider.GetRequiredService<TorrentEngine>();
        Assert.Null(engine.ListenEndPoint);
        Assert.Equal(3, engine.Options.MaxConnectionsPerTorrent);
        Assert.True(Directory.Exists(Path.Combine(_state, "c")));
    }

    [Fact]
    public async Task WithTorrentEngine_attaches_an_engine_to_the_system_that_Akka_Hosting_runs()
    {
        using var data = GeneratedTorrent.Create("akkahosted", [("a.bin", 50_000)], 32 * 1024);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostApplicationLifetime, Lifetime>(); // what a Host would provide
        services.AddAkka("app", b => b.WithTorrentEngine(ApiTestEngines.Options(Path.Combine(_state, "a"))));
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var h in hosted) await h.StartAsync(CancellationToken.None);

        var system = provider.GetRequiredService<ActorSystem>();
        var engine = await TorrentEngineExtension.Get(system).WhenStarted.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Same(system, engine.System);
        Assert.Same(engine, TorrentEngineExtension.Get(system).Engine);
        var registry = provider.GetRequiredService<ActorRegistry>();
        Assert.True(registry.TryGet<TorrentEngine>(out var root) && !root.IsNobody());
        var handle = await engine.AddAsync(data.Bytes, data.SeedDirectory);
        await handle.WaitForStateAsync(ApiState.Seeding);

        foreach (var h in Enumerable.Reverse(hosted)) await h.StopAsync(CancellationToken.None);
        await system.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<EngineStoppedException>(() => engine.AddAsync(data.Bytes, data.SeedDirectory));
        Assert.Empty(TorrentEngineTests.OpenFilesUnder(data.SeedDirectory));
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(what + " did not happen");
            await Task.Delay(50);
        }
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _started = new(), _stopping = new(), _stopped = new();
        public CancellationToken ApplicationStarted => _started.Token;
        public CancellationToken ApplicationStopping => _stopping.Token;
        public CancellationToken ApplicationStopped => _stopped.Token;
        public void StopApplication() => _stopping.Cancel();
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();
        public IReadOnlyCollection<string> Lines => _lines;
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);
        public void Dispose() { }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => lines.Enqueue($"{logLevel} {category} {formatter(state, exception)}");
        }
    }
}
