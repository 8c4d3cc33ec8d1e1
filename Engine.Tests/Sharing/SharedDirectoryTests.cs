using System.Diagnostics;
using Engine.Sharing;

namespace Engine.Tests.Sharing;

/// <summary>Shared directories end to end: in-process engines and our tracker on 127.0.0.1.</summary>
public sealed class SharedDirectoryTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(25);

    private static byte[] Data(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task A_file_dropped_into_one_share_appears_verified_in_a_following_share()
    {
        await using var h = await ShareHarness.StartAsync();
        var dirA = h.NewDirectory("a");
        var dirB = h.NewDirectory("b");
        var a = await h.StartShareAsync(h.Options(dirA));
        var b = await h.StartShareAsync(h.Options(dirB) with { Follow = true });

        var clock = Stopwatch.StartNew();
        var content = Data(3 * 1024 * 1024 + 12345, 1);
        await File.WriteAllBytesAsync(Path.Combine(dirA, "holiday.bin"), content);

        var shared = await ShareHarness.WaitForAsync<FileShared>(a, e => e.Name == "holiday.bin", Bound);
        Assert.True(shared.Published, shared.How);
        Assert.Equal("published", shared.How);
        var fetched = await ShareHarness.WaitForAsync<FetchCompleted>(b, e => e.Name == "holiday.bin", Bound);
        Assert.Equal(shared.InfoHash, fetched.InfoHash);
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(dirB, "holiday.bin")));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");

        // Announces went over UDP (the first tier); the catalog over HTTP.
        var trackers = await b.Engine.Find(fetched.InfoHash)!.GetTrackersAsync();
        Assert.Equal(("ok", 0), (trackers.Single(t => t.Url.StartsWith("udp://")).Status, trackers.Single(t => t.Url.StartsWith("udp://")).Tier));
        // B now shares it too, and the tracker knows both peers have it.
        var item = Assert.Single(await b.GetItemsAsync());
        Assert.Equal((ShareItemState.Shared, false), (item.State, item.Local));
        await WaitUntil(() => h.Tracker.WithRegistry((r, _) => r.Scrape(shared.InfoHash)).Complete == 2, Bound, "two seeders on the tracker");
        // The state directory is not shared, nor is it fetched into.
        Assert.DoesNotContain(await a.GetItemsAsync(), i => i.Name.StartsWith('.'));
    }

    [Fact]
    public async Task A_fetch_by_name_resumes_after_a_restart_and_ends_byte_identical()
    {
        await using var h = await ShareHarness.StartAsync();
        var dirA = h.NewDirectory("seed");
        var dirC = h.NewDirectory("fetch");
        var content = Data(4 * 1024 * 1024, 2);
        await File.WriteAllBytesAsync(Path.Combine(dirA, "big.iso"), content);
        var a = await h.StartShareAsync(h.Options(dirA), uploadLimit: 1024 * 1024);
        var shared = await ShareHarness.WaitForAsync<FileShared>(a, e => e.Name == "big.iso", Bound);

        var fetchOnly = h.Options(dirC) with { ShareFiles = false };
        var c = await h.StartShareAsync(fetchOnly);
        var result = await c.FetchAsync("big.iso");
        Assert.Equal((shared.InfoHash, "big.iso", content.LongLength, false), (result.InfoHash, result.Name, result.Size, result.AlreadyComplete));
        await WaitUntil(async () => (await result.Handle!.GetStatusAsync()).Progress >= 0.25, Bound, "a quarter downloaded");
        var before = await result.Handle!.GetStatusAsync();
        Assert.True(before.Progress < 1, "the download was too quick to interrupt");
        await h.StopShareAsync(c);

        var c2 = await h.StartShareAsync(fetchOnly);
        var resumed = await ShareHarness.WaitForAsync<FetchStarted>(c2, e => e.InfoHash == shared.InfoHash, Bound);
        Assert.True(resumed.Resumed);
        await ShareHarness.WaitForAsync<FetchCompleted>(c2, e => e.InfoHash == shared.InfoHash, Bound);
        var after = await c2.Engine.Find(shared.InfoHash)!.GetStatusAsync();
        Assert.True(after.Downloaded <= content.Length - before.VerifiedBytes + 64 * 1024,
            $"downloaded {after.Downloaded} after the restart, though {before.VerifiedBytes} of {content.Length} were verified before it");
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(dirC, "big.iso")));
        Assert.True((await c2.FetchAsync(shared.InfoHash.ToHex())).AlreadyComplete);
    }

    [Fact]
    public async Task Changed_and_deleted_files_are_unshared_and_a_restart_resumes_the_rest_without_publishing_again()
    {
        await using var h = await ShareHarness.StartAsync();
        var dir = h.NewDirectory("churn");
        await File.WriteAllBytesAsync(Path.Combine(dir, "keep.txt"), Data(100_000, 3));
        await File.WriteAllBytesAsync(Path.Combine(dir, "edit.txt"), Data(50_000, 4));
        await File.WriteAllBytesAsync(Path.Combine(dir, "drop.txt"), Data(70_000, 5));
        await File.WriteAllBytesAsync(Path.Combine(dir, "empty.txt"), []);
        var share = await h.StartShareAsync(h.Options(dir));
        var events = new Dictionary<string, FileShared>();
        while (events.Count < 3)
        {
            var e = await ShareHarness.WaitForAsync<FileShared>(share, _ => true, Bound);
            events[e.Name] = e;
        }
        Assert.Contains(await share.GetItemsAsync(), i => i.Name == "empty.txt" && i.State == ShareItemState.Skipped);

        await File.WriteAllBytesAsync(Path.Combine(dir, "edit.txt"), Data(50_001, 6));
        File.Delete(Path.Combine(dir, "drop.txt"));
        var unshared = new List<FileUnshared>
        {
            await ShareHarness.WaitForAsync<FileUnshared>(share, _ => true, Bound),
            await ShareHarness.WaitForAsync<FileUnshared>(share, _ => true, Bound),
        };
        Assert.Equal([("drop.txt", "the file was deleted"), ("edit.txt", "the file changed")],
            unshared.Select(u => (u.Name, u.Reason)).OrderBy(x => x.Name));
        var edited = await ShareHarness.WaitForAsync<FileShared>(share, e => e.Name == "edit.txt", Bound);
        Assert.NotEqual(events["edit.txt"].InfoHash, edited.InfoHash);
        Assert.Equal("published", edited.How);
        var catalog = h.Tracker.WithRegistry((r, _) => r.Catalog());
        Assert.Equal(4, catalog.Count(c => c.Published)); // the catalog keeps what was published

        await h.StopShareAsync(share);
        Assert.True(File.Exists(Path.Combine(dir, ".share-state", "index.json")));
        var again = await h.StartShareAsync(h.Options(dir));
        var resumed = new Dictionary<string, FileShared>();
        while (resumed.Count < 2)
        {
            var e = await ShareHarness.WaitForAsync<FileShared>(again, _ => true, Bound);
            resumed[e.Name] = e;
        }
        Assert.Equal(["edit.txt", "keep.txt"], resumed.Keys.Order());
        Assert.All(resumed.Values, e => Assert.Equal("resumed", e.How));
        Assert.Equal(edited.InfoHash, resumed["edit.txt"].InfoHash);
        Assert.Equal(events["keep.txt"].InfoHash, resumed["keep.txt"].InfoHash);
    }

    [Fact]
    public async Task Fetches_that_cannot_be_done_say_why()
    {
        await using var h = await ShareHarness.StartAsync();
        var dirA = h.NewDirectory("src");
        var dirB = h.NewDirectory("dst");
        await File.WriteAllBytesAsync(Path.Combine(dirA, "notes.txt"), Data(20_000, 7));
        var a = await h.StartShareAsync(h.Options(dirA));
        await ShareHarness.WaitForAsync<FileShared>(a, e => e.Name == "notes.txt", Bound);

        await File.WriteAllTextAsync(Path.Combine(dirB, "notes.txt"), "my own notes");
        var b = await h.StartShareAsync(h.Options(dirB) with { ShareFiles = false });
        Assert.Contains("no torrent named 'note' in the catalog (did you mean: notes.txt?)", (await Assert.ThrowsAsync<ShareException>(() => b.FetchAsync("note"))).Message);
        Assert.Contains("exists and is not one of this share's files", (await Assert.ThrowsAsync<ShareException>(() => b.FetchAsync("notes.txt"))).Message);
        Assert.Equal("my own notes", await File.ReadAllTextAsync(Path.Combine(dirB, "notes.txt")));

        var noCatalog = await h.StartShareAsync(h.Options(h.NewDirectory("udp-only")) with { Trackers = [h.Tracker.UdpAnnounceUrl!] });
        Assert.Contains("needs an http(s) tracker", (await Assert.ThrowsAsync<ShareException>(() => noCatalog.FetchAsync("notes.txt"))).Message);
    }

    [Fact]
    public async Task A_file_shared_while_the_tracker_is_down_is_published_once_it_is_up()
    {
        await using var h = await ShareHarness.StartAsync();
        var port = Engine.Tests.Interop.PortAllocator.Next();
        var dir = h.NewDirectory("offline");
        await File.WriteAllBytesAsync(Path.Combine(dir, "draft.txt"), Data(30_000, 8));
        var share = await h.StartShareAsync(h.Options(dir) with
        {
            Trackers = [$"http://127.0.0.1:{port}/announce"],
            ScanInterval = TimeSpan.FromMilliseconds(300),
            RequestTimeout = TimeSpan.FromSeconds(2),
        });
        var first = await ShareHarness.WaitForAsync<FileShared>(share, e => e.Name == "draft.txt", Bound);
        Assert.False(first.Published);
        Assert.Contains("not published yet", first.How);
        Assert.Contains("unreachable", first.How);

        await using var late = new global::Engine.TrackerServer.TrackerServer();
        await late.StartAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port), null);
        var published = await ShareHarness.WaitForAsync<FileShared>(share, e => e.Name == "draft.txt", Bound);
        Assert.Equal((true, "published", first.InfoHash), (published.Published, published.How, published.InfoHash));
        Assert.Equal("draft.txt", late.WithRegistry((r, _) => r.Scrape(first.InfoHash)).Name);
    }

    private static Task WaitUntil(Func<bool> condition, TimeSpan timeout, string what) => WaitUntil(() => Task.FromResult(condition()), timeout, what);

    private static async Task WaitUntil(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds:0.#} s");
            await Task.Delay(100);
        }
    }
}
