using System.Net;
using Akka.Configuration;
using Akka.TestKit;
using Engine.Api;
using Engine.Tests.Support;
using Xunit.Abstractions;
using ApiState = Engine.Events.TorrentState;

namespace Engine.Tests.Scenarios.Kit;

/// <summary>
/// Base class for swarm scenarios (see docs/testing.md): an Akka TestKit whose ActorSystem hosts any number of
/// in-process engines (<see cref="StartEngine"/>, each with its own listener on 127.0.0.1, state directory and
/// options), test content (<see cref="Content"/>), scripted remote peers (<see cref="ScriptedSeed"/>) and
/// event logs (<see cref="EventLog"/>). With <c>virtualTime: true</c> the engines' timers (rechoke, keep-alive,
/// silence, request timeouts, tracker intervals...) run on Akka's TestScheduler and move only when the
/// scenario calls <see cref="AdvanceAsync"/>; sockets and the disk stay real. Everything is stopped and deleted on dispose.
/// </summary>
public abstract class Scenario : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private static readonly Config VirtualTime = ConfigurationFactory.ParseString(
        "akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"");
    private static readonly Config Quiet = ConfigurationFactory.ParseString(
        "akka { loglevel = WARNING\n log-dead-letters = 0\n log-dead-letters-during-shutdown = false }");

    private readonly string _root = Directory.CreateTempSubdirectory("engine-scenario-").FullName;
    private readonly List<TorrentEngine> _engines = new();
    private readonly List<GeneratedTorrent> _contents = new();
    private readonly List<ScriptedSeed> _seeds = new();
    private readonly List<EventLog> _logs = new();

    protected Scenario(ITestOutputHelper output, bool virtualTime = false)
        : base(virtualTime ? VirtualTime.WithFallback(Quiet) : Quiet, output: output)
    {
        IsVirtualTime = virtualTime;
    }

    protected bool IsVirtualTime { get; }

    /// <summary>
    /// Writes a line to the test's output (xunit's <see cref="ITestOutputHelper"/>, which the TestKit keeps as
    /// <c>Output</c>): a subclass with a primary constructor need not capture its own <c>output</c> parameter (CS9107).
    /// </summary>
    protected void WriteLine(string line) => Output?.WriteLine(line);

    /// <summary>Random files and their .torrent (BEP 52 v2-only with <paramref name="v2Only"/>); <see cref="GeneratedTorrent.SeedDirectory"/> holds the complete data.</summary>
    protected GeneratedTorrent Content(string name, int totalBytes, int pieceLength = 32 * 1024, int files = 2, int seed = 1, bool v2Only = false)
    {
        var sizes = new List<(string, int)>();
        var left = totalBytes;
        for (var i = 0; i < files; i++)
        {
            var size = i == files - 1 ? left : totalBytes / files + 7 * i;
            sizes.Add((i == 0 ? $"file{i}.bin" : $"dir/file{i}.bin", size));
            left -= size;
        }
        var content = GeneratedTorrent.Create(name, sizes, pieceLength, seed, v2Only: v2Only);
        _contents.Add(content);
        return content;
    }

    /// <summary>An engine inside this scenario's ActorSystem, listening on 127.0.0.1 (a free port), with short redial timers.</summary>
    protected TorrentEngine StartEngine(string name, Func<TorrentEngineOptions, TorrentEngineOptions>? configure = null)
    {
        var options = new TorrentEngineOptions
        {
            ListenOn = new IPEndPoint(IPAddress.Loopback, 0),
            StateDirectory = Path.Combine(_root, name, "state"),
            Dht = false,
        Lsd = false,
            Tunables = new() { RedialInterval = TimeSpan.FromSeconds(1), RedialBackoff = TimeSpan.FromSeconds(1), RandomSeed = name.Length },
        };
        if (configure is not null) options = configure(options);
        var engine = TorrentEngine.Attach(Sys, options);
        _engines.Add(engine);
        return engine;
    }

    /// <summary>Adds <paramref name="content"/> with its complete data to <paramref name="engine"/> and waits until it seeds.</summary>
    protected async Task<TorrentHandle> SeedAsync(TorrentEngine engine, GeneratedTorrent content, TorrentOptions? options = null)
    {
        var handle = await engine.AddAsync(content.Bytes, content.SeedDirectory, options);
        await WaitForStateAsync(handle, ApiState.Seeding);
        return handle;
    }

    /// <summary>Adds <paramref name="content"/> to <paramref name="engine"/> into an empty directory; returns the handle and its event log.</summary>
    protected async Task<(TorrentHandle Torrent, EventLog Events)> LeechAsync(TorrentEngine engine, GeneratedTorrent content, TorrentOptions? options = null)
    {
        var handle = await engine.AddAsync(content.Bytes, content.NewDirectory(engine.ListenEndPoint!.Port + "-" + content.Metainfo.Name), options);
        return (handle, EventsOf(handle));
    }

    /// <summary>An event log of <paramref name="handle"/> from now on (disposed with the scenario).</summary>
    protected EventLog EventsOf(TorrentHandle handle)
    {
        var log = new EventLog(handle);
        _logs.Add(log);
        return log;
    }

    /// <summary>A scripted remote seed of <paramref name="content"/> (see <see cref="SeedBehaviour"/>), on 127.0.0.1 or <paramref name="address"/>.</summary>
    protected ScriptedSeed ScriptedSeed(GeneratedTorrent content, SeedBehaviour behaviour, IPAddress? address = null)
    {
        var seed = new ScriptedSeed(content.Metainfo, ContentBytes(content), behaviour, address);
        _seeds.Add(seed);
        return seed;
    }

    /// <summary>The torrent's bytes, files concatenated in order (padding: zeros).</summary>
    protected static byte[] ContentBytes(GeneratedTorrent content)
    {
        var bytes = new byte[content.Metainfo.TotalLength];
        foreach (var f in content.Metainfo.Files)
            if (!f.IsPadding) File.ReadAllBytes(Path.Combine(content.SeedDirectory, f.Path)).CopyTo(bytes, f.Offset);
        return bytes;
    }

    /// <summary>Moves the virtual clock forward by <paramref name="by"/>, one <paramref name="step"/> (default 1 s) at a time,
    /// letting messages flow between steps (each timer fires at most once per step).</summary>
    protected async Task AdvanceAsync(TimeSpan by, TimeSpan? step = null)
    {
        if (!IsVirtualTime) throw new InvalidOperationException("this scenario runs on real time: pass virtualTime: true to the base constructor");
        var clock = (TestScheduler)Sys.Scheduler;
        var each = step ?? TimeSpan.FromSeconds(1);
        for (var done = TimeSpan.Zero; done < by; done += each)
        {
            clock.Advance(each < by - done ? each : by - done);
            await Task.Delay(5);
        }
    }

    /// <summary>Polls the torrent's status until it is in <paramref name="state"/> (real time, bounded).</summary>
    protected static async Task<TorrentSnapshot> WaitForStateAsync(TorrentHandle handle, ApiState state, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var s = await handle.GetStatusAsync();
            if (s.State == state) return s;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{handle.Name} not {state} within {limit.TotalSeconds:0} s: {s.State}, {s.VerifiedPieces}/{s.PieceCount} pieces, {s.Peers} peers");
            await Task.Delay(50);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        foreach (var log in _logs) log.Dispose();
        foreach (var seed in _seeds) await seed.DisposeAsync();
        // Engines stop in parallel; on virtual time the stop deadlines need the clock to move.
        var stopping = Task.WhenAll(_engines.Select(e => e.StopAsync()));
        while (IsVirtualTime && !stopping.IsCompleted)
        {
            ((TestScheduler)Sys.Scheduler).Advance(TimeSpan.FromMilliseconds(500));
            await Task.WhenAny(stopping, Task.Delay(20));
        }
        await stopping;
        foreach (var c in _contents) c.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
