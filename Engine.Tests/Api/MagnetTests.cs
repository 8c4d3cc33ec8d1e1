using Engine.Api;
using Engine.Events;
using Engine.Tests.Support;
using ApiState = Engine.Events.TorrentState;

namespace Engine.Tests.Api;

/// <summary>Magnet links through the API: metadata from a scripted BEP 9 peer, data from a seeding engine.</summary>
public sealed class MagnetTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("engine-api-magnet-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_state, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_magnet_fetches_its_metadata_then_downloads_like_a_torrent_file()
    {
        using var data = GeneratedTorrent.Create("m", [("a.bin", 400_000), ("b.bin", 3)], 32 * 1024);
        // The peer answers only once the test has seen the first state (under load it could otherwise be past it).
        await using var metadataPeer = new ScriptedMetadataSeed(data.Metainfo.RawInfo, data.Metainfo.InfoHash, holdAnswers: true);
        await using var seeder = ApiTestEngines.Create(Path.Combine(_state, "seeder"));
        await (await seeder.AddAsync(data.Bytes, data.SeedDirectory)).WaitForStateAsync(ApiState.Seeding);
        await using var engine = ApiTestEngines.Create(Path.Combine(_state, "leecher"));

        // Only the scripted peer is in the link: the metadata must come from it (the seeder could serve it too).
        var magnet = $"magnet:?xt=urn:btih:{data.Metainfo.InfoHash.ToHex()}&x.pe={metadataPeer.EndPoint}";
        var target = data.NewDirectory("leech");
        var handle = await engine.AddAsync(magnet, target);
        Assert.Null(handle.Metainfo);
        Assert.Equal(data.Metainfo.InfoHash.ToHex(), handle.Name);
        await using var events = handle.Events().GetAsyncEnumerator();
        var (first, _) = await events.NextAsync<StateChanged>(TimeSpan.FromSeconds(5));
        Assert.Equal(ApiState.FetchingMetadata, first.State);
        metadataPeer.Answer();

        await events.NextAsync<MetadataReceived>(TimeSpan.FromSeconds(15));
        Assert.Equal("m", handle.Name);
        Assert.True(metadataPeer.Requests >= 1);
        handle.AddPeers([seeder.ListenEndPoint!]);
        await events.NextAsync<Completed>(TimeSpan.FromSeconds(30));
        data.AssertSameData(target);
    }

    [Fact]
    public async Task One_of_our_engines_serves_the_metadata_to_another_that_has_only_the_magnet_link()
    {
        using var data = GeneratedTorrent.Create("ours", Enumerable.Range(0, 600)
            .Select(i => ($"folder-with-a-long-name/file-{i:D4}-with-a-long-name.bin", 100 + i)).ToList(), 16 * 1024);
        Assert.True(data.Metainfo.RawInfo.Length > 2 * Engine.Core.Metadata.MetadataCodec.PieceSize, "the metadata should span several pieces");
        await using var seeder = ApiTestEngines.Create(Path.Combine(_state, "seeder"));
        await (await seeder.AddAsync(data.Bytes, data.SeedDirectory)).WaitForStateAsync(ApiState.Seeding);
        await using var engine = ApiTestEngines.Create(Path.Combine(_state, "leecher"));

        var target = data.NewDirectory("leech");
        var handle = await engine.AddAsync($"magnet:?xt=urn:btih:{data.Metainfo.InfoHash.ToHex()}&x.pe={seeder.ListenEndPoint}", target);
        await using var events = handle.Events().GetAsyncEnumerator();
        await events.NextAsync<MetadataReceived>(TimeSpan.FromSeconds(15));
        await events.NextAsync<Completed>(TimeSpan.FromSeconds(30));
        data.AssertSameData(target);
    }

    [Fact]
    public async Task The_connection_that_brought_the_metadata_carries_the_download_too()
    {
        using var data = GeneratedTorrent.Create("kept", [("a.bin", 600_000)], 16 * 1024);
        // At 512 KiB/s the download lasts ~1.1 s: a metadata connection closed and dialled again would be dropped that
        // long before the download completes, the one kept only when it completes (within the same millisecond).
        await using var seeder = TorrentEngine.Create(ApiTestEngines.Options(Path.Combine(_state, "seeder")) with { UploadLimit = 512 * 1024 });
        var seeding = await seeder.AddAsync(data.Bytes, data.SeedDirectory);
        await seeding.WaitForStateAsync(ApiState.Seeding);
        await using var seen = seeding.Events().GetAsyncEnumerator();
        await using var engine = ApiTestEngines.Create(Path.Combine(_state, "leecher"));

        var target = data.NewDirectory("leech");
        var handle = await engine.AddAsync($"magnet:?xt=urn:btih:{data.Metainfo.InfoHash.ToHex()}&x.pe={seeder.ListenEndPoint}", target);
        await using var events = handle.Events().GetAsyncEnumerator();
        var (completed, leecherSaw) = await events.NextAsync<Completed>(TimeSpan.FromSeconds(30));
        data.AssertSameData(target);

        // The leecher dialled the seeder once: the metadata's connection went on to carry the pieces, and it ends only
        // when both sides are seeds. (Closing it and dialling again showed the seeder two connections, the first
        // dropped before the download completed.)
        var (dropped, seederSaw) = await seen.NextAsync<PeerDropped>(TimeSpan.FromSeconds(15));
        Assert.True(dropped.At >= completed.At - TimeSpan.FromMilliseconds(250), $"the seeder lost a connection at {dropped.At:HH:mm:ss.fff} ({dropped.Reason}), before the download completed at {completed.At:HH:mm:ss.fff}");
        Assert.Single(seederSaw.OfType<PeerConnected>());
        var connected = Assert.Single(leecherSaw.OfType<PeerConnected>());
        Assert.Equal(PeerDirection.Outgoing, connected.Direction);
    }

    [Fact]
    public async Task While_fetching_the_status_says_so_and_pause_stop_and_remove_work()
    {
        using var data = GeneratedTorrent.Create("waiting", [("a.bin", 40_000)], 32 * 1024);
        await using var engine = ApiTestEngines.Create(Path.Combine(_state, "s"));
        // The only peer rejects every request: the metadata never arrives.
        await using var stingy = new ScriptedMetadataSeed(data.Metainfo.RawInfo, data.Metainfo.InfoHash, MetadataBehaviour.Reject);
        var handle = await engine.AddAsync($"magnet:?xt=urn:btih:{data.Metainfo.InfoHash.ToHex()}&dn=wait&x.pe={stingy.EndPoint}&tr=http%3A%2F%2F127.0.0.1%3A1%2Fannounce", data.NewDirectory("x"));

        var s = await handle.GetStatusAsync();
        Assert.Equal(ApiState.FetchingMetadata, s.State);
        Assert.Equal("wait", s.Name);
        Assert.Equal(0, s.Progress);
        Assert.Null(s.Eta);
        Assert.Empty(s.Files);
        Assert.Equal(PieceMap.Empty, await handle.GetPieceMapAsync());
        Assert.Empty(await handle.GetPeersAsync());
        Assert.Equal("http://127.0.0.1:1/announce", Assert.Single(await handle.GetTrackersAsync()).Url);

        await handle.PauseAsync();
        Assert.Equal(ApiState.Paused, (await handle.GetStatusAsync()).State);
        await handle.ResumeAsync();
        Assert.Equal(ApiState.FetchingMetadata, (await handle.GetStatusAsync()).State);
        await handle.StopAsync();
        Assert.Equal(ApiState.Stopped, (await handle.GetStatusAsync()).State);
        await handle.StartAsync();
        Assert.Equal(ApiState.FetchingMetadata, (await handle.GetStatusAsync()).State);
        await handle.RemoveAsync(deleteData: true);
        Assert.Empty(engine.Torrents);
    }

    [Fact]
    public async Task Metadata_that_fails_its_hash_check_is_not_used_and_a_good_peer_is_asked_next()
    {
        using var data = GeneratedTorrent.Create("mixed", [("a.bin", 100_000)], 32 * 1024);
        await using var liar = new ScriptedMetadataSeed(data.Metainfo.RawInfo, data.Metainfo.InfoHash, MetadataBehaviour.Corrupt);
        await using var honest = new ScriptedMetadataSeed(data.Metainfo.RawInfo, data.Metainfo.InfoHash);
        // One peer at a time, the liar first.
        var options = ApiTestEngines.Options(Path.Combine(_state, "s"));
        await using var engine = TorrentEngine.Create(options with { Tunables = options.Tunables with { MetadataParallelPeers = 1 } });
        var handle = await engine.AddAsync($"magnet:?xt=urn:btih:{data.Metainfo.InfoHash.ToHex()}&x.pe={liar.EndPoint}&x.pe={honest.EndPoint}", data.NewDirectory("x"));
        await handle.WaitForAsync(s => s.State != ApiState.FetchingMetadata, TimeSpan.FromSeconds(15), "metadata");
        Assert.Equal(data.Metainfo.InfoHash, handle.Metainfo!.InfoHash);
        Assert.True(honest.Requests > 0);
        Assert.True(liar.Requests > 0, "the lying peer was never asked");
    }

    [Fact]
    public async Task A_magnet_whose_metadata_was_fetched_before_starts_without_asking_anyone()
    {
        using var data = GeneratedTorrent.Create("again", [("a.bin", 60_000)], 32 * 1024);
        await using var honest = new ScriptedMetadataSeed(data.Metainfo.RawInfo, data.Metainfo.InfoHash);
        var state = Path.Combine(_state, "s");
        var magnet = $"magnet:?xt=urn:btih:{data.Metainfo.InfoHash.ToHex()}&x.pe={honest.EndPoint}";
        await using (var engine = ApiTestEngines.Create(state))
        {
            var handle = await engine.AddAsync(magnet, data.SeedDirectory);
            await handle.WaitForStateAsync(ApiState.Seeding);
        }
        await using (var engine = ApiTestEngines.Create(state))
        {
            var handle = await engine.AddAsync(magnet, data.SeedDirectory);
            Assert.NotNull(handle.Metainfo);
            Assert.NotEqual(ApiState.FetchingMetadata, (await handle.GetStatusAsync()).State);
            await handle.WaitForStateAsync(ApiState.Seeding);
        }
    }

    [Fact]
    public async Task A_btmh_magnet_of_a_hybrid_already_added_by_its_torrent_file_is_a_DuplicateTorrentException()
    {
        var dir = Path.Combine(_state, "hybrid");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "h.bin");
        File.WriteAllBytes(file, new byte[70_000]);
        var bytes = Engine.Metainfo.TorrentCreator.Create(file, new Engine.Metainfo.TorrentCreationOptions { Hybrid = true, PieceLength = 32 * 1024 });
        var meta = Engine.Core.Metainfo.TorrentMetainfo.Parse(bytes);
        await using var engine = ApiTestEngines.Create(Path.Combine(_state, "engine"));
        await engine.AddAsync(bytes, dir);
        var magnet = $"magnet:?xt=urn:btmh:1220{Convert.ToHexStringLower(meta.InfoHashV2.Span)}";
        var e = await Assert.ThrowsAsync<DuplicateTorrentException>(() => engine.AddAsync(magnet, Path.Combine(_state, "other")));
        Assert.Contains("already added", e.Message);
    }
}
