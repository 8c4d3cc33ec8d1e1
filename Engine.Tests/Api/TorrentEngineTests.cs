using System.Net.Sockets;
using System.Net;
using Engine.Api;
using Engine.Core.Metainfo;
using Engine.Events;
using Engine.Tests.Support;
using ApiState = Engine.Events.TorrentState;

namespace Engine.Tests.Api;

public sealed class TorrentEngineTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("engine-api-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_state, recursive: true); } catch (IOException) { }
    }

    private string StateDir(string name) => Path.Combine(_state, name);

    [Fact]
    public async Task Create_listens_where_asked_and_reports_the_port_it_got()
    {
        await using var engine = ApiTestEngines.Create(StateDir("a"));
        var ep = engine.ListenEndPoint!;
        Assert.Equal(IPAddress.Loopback, ep.Address);
        Assert.True(ep.Port > 0);
        using var client = new TcpClient();
        await client.ConnectAsync(ep).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(client.Connected);
        Assert.True(Directory.Exists(StateDir("a")));
    }

    [Fact]
    public async Task On_a_port_of_its_own_the_engine_listens_when_create_returns_and_serves_a_peer_calling_at_once()
    {
        using var data = GeneratedTorrent.Create("at-once", [("a.bin", 100_000)], 32 * 1024);
        var ep = new IPEndPoint(IPAddress.Loopback, FreePorts.Tcp(1)[0]);
        await using var seeder = TorrentEngine.Create(ApiTestEngines.Options(StateDir("seeder")) with { ListenOn = ep });
        // Listening when Create returns, without waiting for the listener actor: a connection now is queued, then served.
        using (var early = new TcpClient())
        {
            await early.ConnectAsync(ep).WaitAsync(TimeSpan.FromSeconds(5));
            Assert.True(early.Connected);
        }
        var seed = await seeder.AddAsync(data.Bytes, data.SeedDirectory);
        await seed.WaitForStateAsync(ApiState.Seeding);
        await using var leecher = ApiTestEngines.Create(StateDir("leecher"));
        var handle = await leecher.AddAsync(data.Bytes, data.NewDirectory("leech"));
        handle.AddPeers([ep]);
        await handle.WaitForStateAsync(ApiState.Seeding);
        data.AssertSameData(Path.Combine(data.Root, "leech"));
    }

    [Fact]
    public async Task Create_without_a_listener_reports_no_endpoint()
    {
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(StateDir("a")) with { ListenOn = null });
        Assert.Null(engine.ListenEndPoint);
    }

    [Fact]
    public void Create_on_a_port_in_use_fails_with_a_message_naming_it()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var ep = (IPEndPoint)taken.LocalEndpoint;
        var e = Assert.Throws<TorrentEngineException>(() => TorrentEngine.Create(ApiTestEngines.Options(StateDir("a")) with { ListenOn = ep }));
        Assert.Contains($"cannot listen on {ep}", e.Message);
    }

    [Fact]
    public async Task A_second_engine_on_the_port_of_a_running_one_fails_instead_of_sharing_it()
    {
        await using var first = TorrentEngine.Create(ApiTestEngines.Options(StateDir("a")) with { ListenOn = new IPEndPoint(IPAddress.Loopback, 0) });
        var ep = first.ListenEndPoint!;
        var e = Assert.Throws<TorrentEngineException>(() => TorrentEngine.Create(ApiTestEngines.Options(StateDir("b")) with { ListenOn = ep }));
        Assert.Contains($"cannot listen on {ep}", e.Message);
    }

    [Theory]
    [InlineData(0, null, null, 64L << 20, "MaxConnectionsPerTorrent must be at least 1")]
    [InlineData(5, 0L, null, 64L << 20, "UploadLimit must be positive")]
    [InlineData(5, null, -1L, 64L << 20, "DownloadLimit must be positive")]
    [InlineData(5, null, null, 1000L, "DiskBudgetBytes must be at least 1 MiB")]
    public void Options_out_of_range_are_refused_with_the_option_named(int perTorrent, long? up, long? down, long disk, string message)
    {
        var options = ApiTestEngines.Options(StateDir("a")) with { MaxConnectionsPerTorrent = perTorrent, UploadLimit = up, DownloadLimit = down, DiskBudgetBytes = disk };
        var e = Assert.Throws<InvalidEngineOptionsException>(() => TorrentEngine.Create(options));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Options_map_onto_the_engine_options()
    {
        var mapped = new TorrentEngineOptions
        {
            StateDirectory = "/tmp/x", MaxConnectionsPerTorrent = 7, MaxConnections = 70, UploadLimit = 1000, DownloadLimit = 2000,
            DiskBudgetBytes = 8 << 20,
        }.ToEngineOptions();
        Assert.Equal("/tmp/x", mapped.ResumeDirectory);
        Assert.Equal(7, mapped.PeerManager.MaxConnections);
        Assert.Equal(70, mapped.MaxConnections);
        Assert.Equal(new Engine.Limits.RateLimits(1000, 2000), mapped.Limits);
        Assert.Equal(512, mapped.PooledBlocks);
        Assert.Equal(128, mapped.Peers.DiskCreditBlocks);
    }

    [Fact]
    public async Task A_torrent_with_complete_data_seeds_and_reports_every_file_complete()
    {
        using var data = GeneratedTorrent.Create("complete", [("a.bin", 100_000), ("sub/b.bin", 50_001)], 32 * 1024);
        await using var engine = ApiTestEngines.Create(StateDir("a"));
        var handle = await engine.AddAsync(data.Bytes, data.SeedDirectory);

        var s = await handle.WaitForStateAsync(ApiState.Seeding);
        Assert.Equal(data.Metainfo.InfoHash, handle.InfoHash);
        Assert.Equal("complete", handle.Name);
        Assert.Equal(1.0, s.Progress);
        Assert.True(s.IsComplete);
        Assert.Equal(TimeSpan.Zero, s.Eta);
        Assert.Equal(data.Metainfo.TotalLength, s.TotalBytes);
        Assert.Equal(["complete/a.bin", "complete/sub/b.bin"], s.Files.Select(f => f.Path));
        Assert.All(s.Files, f => Assert.Equal(1.0, f.Progress));
        var map = await handle.GetPieceMapAsync();
        Assert.Equal(data.Metainfo.PieceCount, map.PieceCount);
        Assert.Equal(map.PieceCount, map.VerifiedCount);
        Assert.True(Enumerable.Range(0, map.PieceCount).All(map.IsVerified));
    }

    [Fact]
    public async Task Adding_from_a_path_works_like_adding_the_bytes()
    {
        using var data = GeneratedTorrent.Create("bypath", [("a.bin", 70_000)], 32 * 1024);
        await using var engine = ApiTestEngines.Create(StateDir("a"));
        var handle = await engine.AddAsync(data.TorrentPath, data.SeedDirectory);
        Assert.Equal(data.Metainfo.InfoHash, handle.InfoHash);
        await handle.WaitForStateAsync(ApiState.Seeding);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_typed_errors_that_name_the_problem()
    {
        await using var engine = ApiTestEngines.Create(StateDir("a"));
        var garbage = await Assert.ThrowsAsync<InvalidTorrentException>(() => engine.AddAsync("d4:spam"u8.ToArray(), _state));
        Assert.Contains("not a valid .torrent file", garbage.Message);
        var missing = Path.Combine(_state, "nope.torrent");
        var notFound = await Assert.ThrowsAsync<InvalidTorrentException>(() => engine.AddAsync(missing, _state));
        Assert.Contains(missing, notFound.Message);
        var magnet = await Assert.ThrowsAsync<InvalidTorrentException>(() => engine.AddAsync("magnet:?xt=urn:btih:1234", _state));
        Assert.Contains("invalid magnet link", magnet.Message);
        Assert.Empty(engine.Torrents);
    }

    [Fact]
    public async Task Adding_the_same_torrent_twice_is_a_DuplicateTorrentException()
    {
        using var data = GeneratedTorrent.Create("dup", [("a.bin", 40_000)], 32 * 1024);
        await using var engine = ApiTestEngines.Create(StateDir("a"));
        var first = await engine.AddAsync(data.Bytes, data.SeedDirectory);
        var e = await Assert.ThrowsAsync<DuplicateTorrentException>(() => engine.AddAsync(data.TorrentPath, data.NewDirectory("other")));
        Assert.Equal(first.InfoHash, e.InfoHash);
        Assert.Contains("already added", e.Message);
        Assert.Single(engine.Torrents);
    }

    [Fact]
    public async Task Torrents_lists_in_order_and_Find_looks_up_by_info_hash()
    {
        using var one = GeneratedTorrent.Create("one", [("a.bin", 40_000)], 32 * 1024, seed: 1);
        using var two = GeneratedTorrent.Create("two", [("a.bin", 40_000)], 32 * 1024, seed: 2);
        await using var engine = ApiTestEngines.Create(StateDir("a"));
        var a = await engine.AddAsync(one.Bytes, one.SeedDirectory);
        var b = await engine.AddAsync(two.Bytes, two.SeedDirectory);
        Assert.Equal([a, b], engine.Torrents);
        Assert.Same(b, engine.Find(two.Metainfo.InfoHash));
        Assert.Null(engine.Find(Engine.Core.Primitives.InfoHash.FromHex(new string('0', 40))));
        await a.WaitForStateAsync(ApiState.Seeding);
        await b.WaitForStateAsync(ApiState.Seeding);
    }

    [Fact]
    public async Task A_leecher_downloads_from_a_seeder_and_reports_pieces_peers_and_completion()
    {
        using var data = GeneratedTorrent.Create("swarm", [("a.bin", 300_000), ("sub/b.bin", 123_457)], 32 * 1024);
        await using var seeder = ApiTestEngines.Create(StateDir("seeder"));
        await using var leecher = ApiTestEngines.Create(StateDir("leecher"));
        var seed = await seeder.AddAsync(data.Bytes, data.SeedDirectory);
        await seed.WaitForStateAsync(ApiState.Seeding);

        var target = data.NewDirectory("leech");
        var handle = await leecher.AddAsync(data.Bytes, target, new TorrentOptions { StartPaused = true });
        await handle.WaitForStateAsync(ApiState.Paused);
        await using var events = handle.Events().GetAsyncEnumerator();
        var (first, _) = await events.NextAsync<StateChanged>(TimeSpan.FromSeconds(5));
        Assert.Equal(ApiState.Paused, first.State);

        handle.AddPeers([seeder.ListenEndPoint!]);
        await handle.ResumeAsync();
        var (connected, _) = await events.NextAsync<PeerConnected>(TimeSpan.FromSeconds(10));
        Assert.Equal(seeder.ListenEndPoint, connected.EndPoint);
        Assert.StartsWith("Engine ", connected.Client);
        var (completed, seen) = await events.NextAsync<Completed>(TimeSpan.FromSeconds(20));
        var pieces = seen.OfType<PieceVerified>().Select(p => p.Piece).Order().ToList();
        Assert.Equal(Enumerable.Range(0, data.Metainfo.PieceCount), pieces);
        Assert.Equal(handle.InfoHash, completed.InfoHash);

        var s = await handle.WaitForStateAsync(ApiState.Seeding);
        Assert.All(s.Files, f => Assert.Equal(1.0, f.Progress));
        Assert.True(s.Downloaded >= data.Metainfo.TotalLength);
        data.AssertSameData(target);
        var peers = await handle.GetPeersAsync();
        // Both ends are seeds now: the connection may already be closed.
        Assert.All(peers, p => Assert.StartsWith("Engine ", p.Client));
        await seed.WaitForAsync(x => x.Uploaded >= data.Metainfo.TotalLength, TimeSpan.FromSeconds(5), "the seeder's upload count");
    }

    [Fact]
    public async Task Pausing_drops_every_peer_and_resuming_finishes_the_download()
    {
        using var data = GeneratedTorrent.Create("pause", [("a.bin", 2_000_000)], 32 * 1024);
        await using var seeder = TorrentEngine.Create(ApiTestEngines.Options(StateDir("seeder")) with { UploadLimit = 1_000_000 });
        await using var leecher = ApiTestEngines.Create(StateDir("leecher"));
        var seed = await seeder.AddAsync(data.Bytes, data.SeedDirectory);
        await seed.WaitForStateAsync(ApiState.Seeding);
        var handle = await leecher.AddAsync(data.Bytes, data.NewDirectory("leech"));
        await using var events = handle.Events().GetAsyncEnumerator();
        handle.AddPeers([seeder.ListenEndPoint!]);
        await events.NextAsync<PieceVerified>(TimeSpan.FromSeconds(10));

        await handle.PauseAsync();
        var (dropped, _) = await events.NextAsync<PeerDropped>(TimeSpan.FromSeconds(5));
        Assert.Equal("torrent paused", dropped.Reason);
        var paused = await handle.GetStatusAsync();
        Assert.Equal(ApiState.Paused, paused.State);
        Assert.Equal(0, paused.Peers);
        Assert.Empty(await handle.GetPeersAsync());
        Assert.False(paused.IsComplete);
        // Blocks already on their way to the disk may still verify; after that nothing moves.
        await Task.Delay(500);
        var settled = await handle.GetStatusAsync();
        await Task.Delay(700);
        Assert.Equal(settled.VerifiedPieces, (await handle.GetStatusAsync()).VerifiedPieces);

        handle.AddPeers([seeder.ListenEndPoint!]);
        await handle.ResumeAsync();
        await events.NextAsync<Completed>(TimeSpan.FromSeconds(30));
        var done = await handle.WaitForStateAsync(ApiState.Seeding);
        Assert.True(done.Downloaded >= data.Metainfo.TotalLength - data.Metainfo.PieceLength, $"downloaded {done.Downloaded} across the pause");
    }

    [Fact]
    public async Task Stop_closes_the_files_and_Start_brings_the_torrent_back_from_its_resume_state()
    {
        using var data = GeneratedTorrent.Create("stopstart", [("a.bin", 100_000), ("b.bin", 10_000)], 32 * 1024);
        await using var engine = ApiTestEngines.Create(StateDir("a"));
        var handle = await engine.AddAsync(data.Bytes, data.SeedDirectory);
        await handle.WaitForStateAsync(ApiState.Seeding);

        await handle.StopAsync();
        var stopped = await handle.GetStatusAsync();
        Assert.Equal(ApiState.Stopped, stopped.State);
        Assert.Equal(1.0, stopped.Progress);
        Assert.Empty(OpenFilesUnder(data.SeedDirectory));
        Assert.Contains(handle, engine.Torrents);

        await handle.StartAsync();
        await handle.WaitForStateAsync(ApiState.Seeding);
    }

    [Fact]
    public async Task Remove_forgets_the_torrent_and_deletes_its_data_only_when_asked()
    {
        using var data = GeneratedTorrent.Create("remove", [("a.bin", 40_000), ("deep/er/b.bin", 40_000)], 32 * 1024);
        await using var engine = ApiTestEngines.Create(StateDir("a"));
        var keep = await engine.AddAsync(data.Bytes, data.SeedDirectory);
        await keep.WaitForStateAsync(ApiState.Seeding);
        await keep.RemoveAsync(deleteData: false);
        Assert.Empty(engine.Torrents);
        Assert.Null(engine.Find(keep.InfoHash));
        Assert.True(keep.IsRemoved);
        Assert.True(File.Exists(Path.Combine(data.SeedDirectory, "remove", "a.bin")));
        Assert.False(File.Exists(Path.Combine(StateDir("a"), keep.InfoHash.ToHex() + ".resume")));
        await Assert.ThrowsAsync<TorrentRemovedException>(() => keep.GetStatusAsync());
        await Assert.ThrowsAsync<TorrentRemovedException>(() => keep.StartAsync());
        await keep.RemoveAsync(deleteData: false); // a second remove is a no-op

        var again = await engine.AddAsync(data.Bytes, data.SeedDirectory);
        await again.WaitForStateAsync(ApiState.Seeding);
        var unrelated = Path.Combine(data.SeedDirectory, "mine.txt");
        File.WriteAllText(unrelated, "not the torrent's");
        await again.RemoveAsync(deleteData: true);
        Assert.False(Directory.Exists(Path.Combine(data.SeedDirectory, "remove")));
        Assert.True(File.Exists(unrelated));
    }

    [Fact]
    public async Task Events_stream_ends_when_the_torrent_is_removed_and_observers_see_the_same_events()
    {
        using var data = GeneratedTorrent.Create("observe", [("a.bin", 40_000)], 32 * 1024);
        await using var engine = ApiTestEngines.Create(StateDir("a"));
        var handle = await engine.AddAsync(data.Bytes, data.SeedDirectory, new TorrentOptions { StartPaused = true });
        var observed = new List<TorrentEvent>();
        var observerDone = new TaskCompletionSource();
        using var subscription = handle.AsObservable().Subscribe(new Observer(e => { lock (observed) observed.Add(e); }, () => observerDone.TrySetResult()));
        var stream = handle.Events(); // registered here: nothing from now on is missed
        var reading = Task.Run(async () =>
        {
            var all = new List<TorrentEvent>();
            await foreach (var e in stream) all.Add(e);
            return all;
        });
        await handle.WaitForStateAsync(ApiState.Paused);
        await handle.ResumeAsync();
        await handle.WaitForStateAsync(ApiState.Seeding);
        await handle.RemoveAsync(deleteData: false);

        var streamed = await reading.WaitAsync(TimeSpan.FromSeconds(5));
        await observerDone.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var states = streamed.OfType<StateChanged>().Select(s => s.State).ToList();
        Assert.Contains(ApiState.Paused, states);
        Assert.Contains(ApiState.Seeding, states);
        Assert.Equal(ApiState.Stopped, states[^1]);
        Assert.Single(streamed.OfType<Completed>());
        lock (observed) Assert.Contains(observed, e => e is Completed);
    }

    [Fact]
    public async Task StopAsync_stops_everything_and_the_engine_refuses_further_use()
    {
        using var data = GeneratedTorrent.Create("stopall", [("a.bin", 40_000)], 32 * 1024);
        var engine = ApiTestEngines.Create(StateDir("a"));
        var handle = await engine.AddAsync(data.Bytes, data.SeedDirectory);
        await handle.WaitForStateAsync(ApiState.Seeding);
        await engine.StopAsync();
        await engine.StopAsync(); // idempotent
        Assert.Empty(OpenFilesUnder(data.SeedDirectory));
        await Assert.ThrowsAsync<EngineStoppedException>(() => engine.AddAsync(data.Bytes, data.SeedDirectory));
        await Assert.ThrowsAsync<EngineStoppedException>(() => handle.GetStatusAsync());
        Assert.True(engine.System.WhenTerminated.IsCompleted);
    }

    /// <summary>Files under <paramref name="directory"/> this process has open (from /proc/self/fd).</summary>
    internal static List<string> OpenFilesUnder(string directory)
    {
        var root = Path.GetFullPath(directory);
        var open = new List<string>();
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                var target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith(root, StringComparison.Ordinal)) open.Add(target);
            }
            catch (IOException) { }
        }
        return open;
    }

    private sealed class Observer(Action<TorrentEvent> next, Action completed) : IObserver<TorrentEvent>
    {
        public void OnNext(TorrentEvent value) => next(value);
        public void OnError(Exception error) { }
        public void OnCompleted() => completed();
    }
}
