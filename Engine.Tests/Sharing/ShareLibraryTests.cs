using Engine.Core.Primitives;
using Engine.Sharing;

namespace Engine.Tests.Sharing;

public sealed class ShareLibraryTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);
    private static readonly InfoHash H1 = InfoHash.FromHex("1111111111111111111111111111111111111111");
    private static readonly InfoHash H2 = InfoHash.FromHex("2222222222222222222222222222222222222222");

    private static ListedFile File(string name, long size, DateTimeOffset written) => new(name, size, written.UtcDateTime);

    private static ShareLibrary Library() => new(Quiet);

    /// <summary>Observes until the file is handed out for hashing; returns the time it was.</summary>
    private static DateTimeOffset SettleAndHash(ShareLibrary lib, ListedFile file, DateTimeOffset now)
    {
        var plan = lib.Observe([file], now);
        Assert.Empty(plan.ToHash);
        var at = plan.NextScan!.Value;
        plan = lib.Observe([file], at);
        Assert.Equal([file], plan.ToHash);
        return at;
    }

    [Fact]
    public void An_old_file_is_hashed_on_the_second_look_a_quarter_quiet_period_later()
    {
        var lib = Library();
        var file = File("a.bin", 100, T0.AddHours(-1));
        var plan = lib.Observe([file], T0);
        Assert.Empty(plan.ToHash);
        Assert.Equal(T0 + Quiet / 4, plan.NextScan);
        Assert.Equal(ShareItemState.Settling, lib.Find("a.bin")!.State);
        plan = lib.Observe([file], T0 + Quiet / 4);
        Assert.Equal([file], plan.ToHash);
        Assert.Null(plan.NextScan);
        Assert.Equal(ShareItemState.Hashing, lib.Find("a.bin")!.State);
        Assert.Empty(lib.Observe([file], T0 + Quiet).ToHash); // handed out once
    }

    [Fact]
    public void A_file_still_being_written_waits_until_it_was_quiet_for_the_quiet_period()
    {
        var lib = Library();
        var plan = lib.Observe([File("grow.bin", 10, T0)], T0);
        Assert.Equal(T0 + Quiet, plan.NextScan);
        plan = lib.Observe([File("grow.bin", 20, T0.AddSeconds(1))], T0.AddSeconds(1));
        Assert.Empty(plan.ToHash);
        Assert.Equal(T0.AddSeconds(3), plan.NextScan);
        plan = lib.Observe([File("grow.bin", 20, T0.AddSeconds(1))], T0.AddSeconds(2.5));
        Assert.Empty(plan.ToHash);
        Assert.Equal(T0.AddSeconds(3), plan.NextScan);
        Assert.Single(lib.Observe([File("grow.bin", 20, T0.AddSeconds(1))], T0.AddSeconds(3)).ToHash);
    }

    [Fact]
    public void A_write_time_in_the_future_does_not_keep_a_file_settling_forever()
    {
        var lib = Library();
        var file = File("future.bin", 5, T0.AddDays(3));
        lib.Observe([file], T0);
        Assert.Empty(lib.Observe([file], T0.AddSeconds(1.9)).ToHash);
        Assert.Single(lib.Observe([file], T0.AddSeconds(2)).ToHash);
    }

    [Fact]
    public void Hidden_temporary_and_state_files_are_never_considered()
    {
        var lib = Library();
        string[] names = [".share-state", ".hidden", "doc.txt~", "movie.part", "x.tmp", "y.crdownload"];
        var files = names.Select(n => File(n, 10, T0.AddHours(-1))).ToList();
        lib.Observe(files, T0);
        Assert.Empty(lib.Observe(files, T0.AddMinutes(1)).ToHash);
        Assert.Empty(lib.Items);
        Assert.True(ShareLibrary.IsShareableName("report.pdf"));
    }

    [Fact]
    public void An_empty_file_is_skipped_until_it_gets_content()
    {
        var lib = Library();
        var empty = File("e.txt", 0, T0.AddHours(-1));
        lib.Observe([empty], T0);
        var plan = lib.Observe([empty], T0.AddSeconds(1));
        Assert.Empty(plan.ToHash);
        Assert.Equal(("e.txt", "the file is empty (a torrent needs data)"), Assert.Single(plan.Skipped));
        Assert.Empty(lib.Observe([empty], T0.AddSeconds(2)).Skipped); // said once
        var filled = File("e.txt", 3, T0.AddSeconds(2));
        lib.Observe([filled], T0.AddSeconds(2));
        Assert.Single(lib.Observe([filled], T0.AddSeconds(5)).ToHash);
    }

    [Fact]
    public void A_shared_file_that_changes_is_unshared_and_settles_again_as_a_new_file()
    {
        var lib = Library();
        var file = File("a.bin", 100, T0.AddHours(-1));
        var at = SettleAndHash(lib, file, T0);
        Assert.True(lib.Hashed("a.bin", file.Signature, H1, at));
        var item = lib.Find(H1)!;
        Assert.Equal((ShareItemState.Shared, true, false), (item.State, item.Local, item.Published));
        Assert.Empty(lib.Observe([file], at.AddSeconds(5)).ToUnshare);

        var changed = File("a.bin", 100, T0.AddSeconds(10));
        var plan = lib.Observe([changed], T0.AddSeconds(11));
        Assert.Equal(new Unshare("a.bin", H1, "the file changed"), Assert.Single(plan.ToUnshare));
        Assert.Null(lib.Find(H1));
        Assert.Equal(ShareItemState.Settling, lib.Find("a.bin")!.State);
        Assert.Single(lib.Observe([changed], T0.AddSeconds(12)).ToHash);
    }

    [Fact]
    public void A_deleted_shared_file_is_unshared_and_forgotten()
    {
        var lib = Library();
        var file = File("a.bin", 100, T0.AddHours(-1));
        var at = SettleAndHash(lib, file, T0);
        lib.Hashed("a.bin", file.Signature, H1, at);
        var plan = lib.Observe([], at.AddSeconds(1));
        Assert.Equal(new Unshare("a.bin", H1, "the file was deleted"), Assert.Single(plan.ToUnshare));
        Assert.Empty(lib.Items);
        Assert.Empty(lib.Records());
    }

    [Fact]
    public void A_torrent_of_a_file_that_changed_while_it_was_hashed_is_refused()
    {
        var lib = Library();
        var file = File("a.bin", 100, T0.AddHours(-1));
        var at = SettleAndHash(lib, file, T0);
        lib.Observe([File("a.bin", 200, at)], at.AddSeconds(0.1)); // a scan during hashing
        Assert.False(lib.Hashed("a.bin", file.Signature, H1, at.AddSeconds(0.2)));
        Assert.Equal(ShareItemState.Settling, lib.Find("a.bin")!.State);
        Assert.Null(lib.Find(H1));
        Assert.False(lib.Hashed("nope", file.Signature, H1, at)); // unknown names too
    }

    [Fact]
    public void A_discarded_or_failed_hash_puts_the_file_back_or_aside()
    {
        var lib = Library();
        var a = File("a.bin", 1, T0.AddHours(-1));
        var b = File("b.bin", 1, T0.AddHours(-1));
        lib.Observe([a, b], T0);
        Assert.Equal(2, lib.Observe([a, b], T0.AddSeconds(1)).ToHash.Count);
        lib.HashDiscarded("a.bin", T0.AddSeconds(1));
        lib.HashFailed("b.bin", "permission denied");
        Assert.Equal(ShareItemState.Settling, lib.Find("a.bin")!.State);
        Assert.Equal((ShareItemState.Skipped, "permission denied"), (lib.Find("b.bin")!.State, lib.Find("b.bin")!.Problem));
        var plan = lib.Observe([a, b], T0.AddSeconds(2));
        Assert.Equal([a], plan.ToHash); // b waits for a change
    }

    [Fact]
    public void A_file_being_fetched_is_left_alone_and_its_first_sight_after_completion_is_its_baseline()
    {
        var lib = Library();
        Assert.Null(lib.AddDownload("movie.mkv", H2));
        var partial = File("movie.mkv", 10, T0);
        Assert.Empty(lib.Observe([partial], T0).ToHash);
        Assert.Empty(lib.Observe([File("movie.mkv", 20, T0.AddSeconds(5))], T0.AddSeconds(9)).ToHash);
        Assert.Empty(lib.Observe([], T0.AddSeconds(10)).ToUnshare); // even when it is not on disk yet
        Assert.Equal(ShareItemState.Downloading, lib.Find(H2)!.State);

        lib.DownloadCompleted(H2);
        Assert.Null(lib.Find(H2)!.Signature);
        var done = File("movie.mkv", 30, T0.AddSeconds(20));
        var plan = lib.Observe([done], T0.AddSeconds(21));
        Assert.Empty(plan.ToUnshare);
        Assert.Empty(plan.ToHash);
        Assert.Equal(done.Signature, lib.Find(H2)!.Signature);
        Assert.Equal((false, true), (lib.Find(H2)!.Local, lib.Find(H2)!.Published));
    }

    [Fact]
    public void A_download_is_refused_over_another_file_or_a_hidden_name_and_accepted_again_for_the_same_torrent()
    {
        var lib = Library();
        lib.Observe([File("taken.txt", 5, T0)], T0);
        Assert.Contains("already exists here with other content", lib.AddDownload("taken.txt", H1));
        Assert.Contains("hidden or temporary", lib.AddDownload(".share-state", H1));
        Assert.Null(lib.AddDownload("new.txt", H1));
        Assert.Null(lib.AddDownload("new.txt", H1));
        Assert.Contains("already here as 'new.txt'", lib.AddDownload("other-name.txt", H1));
    }

    [Fact]
    public void Restored_shares_resume_when_unchanged_and_are_unshared_when_changed_or_gone()
    {
        var same = File("same.bin", 10, T0.AddDays(-1));
        var changed = File("changed.bin", 10, T0.AddDays(-1));
        var H3 = InfoHash.FromHex("3333333333333333333333333333333333333333");
        var lib = Library();
        lib.Restore(new ShareRecord("same.bin", H1, false, same.Signature, true, true));
        lib.Restore(new ShareRecord("changed.bin", H2, false, changed.Signature, true, false));
        lib.Restore(new ShareRecord("gone.bin", H3, false, null, false, true));
        lib.Restore(new ShareRecord("partial.bin", InfoHash.FromHex("4444444444444444444444444444444444444444"), true, null, false, true));
        Assert.Equal(ShareItemState.Restored, lib.Find(H1)!.State);

        var plan = lib.Observe([same, changed with { Size = 11 }], T0);
        Assert.Equal([("same.bin", H1)], plan.ToResume);
        Assert.Equal(
            [new Unshare("changed.bin", H2, "the file changed while we were not running"), new Unshare("gone.bin", H3, "the file was deleted")],
            plan.ToUnshare.OrderBy(u => u.Name));
        Assert.Equal(ShareItemState.Shared, lib.Find(H1)!.State);
        Assert.Equal(["partial.bin", "same.bin"], lib.Records().Select(r => r.Name));
        Assert.True(lib.Records()[0].Downloading);
        Assert.Empty(lib.Observe([same, changed with { Size = 11 }], T0.AddSeconds(1)).ToResume); // once
    }

    [Fact]
    public void Unpublished_lists_local_shares_until_marked_published()
    {
        var lib = Library();
        var file = File("a.bin", 100, T0.AddHours(-1));
        var at = SettleAndHash(lib, file, T0);
        lib.Hashed("a.bin", file.Signature, H1, at);
        Assert.Equal(H1, Assert.Single(lib.Unpublished()).InfoHash);
        lib.MarkPublished(H1);
        Assert.Empty(lib.Unpublished());
        Assert.True(Assert.Single(lib.Records()).Published);
    }

    [Fact]
    public void Random_scans_hand_each_unchanged_file_out_once_and_never_touch_downloads()
    {
        var rng = new Random(17);
        for (var round = 0; round < 200; round++)
        {
            var lib = Library();
            var now = T0;
            var disk = new Dictionary<string, ListedFile>();
            var hashedSignatures = new HashSet<(string, FileSignature)>();
            Assert.Null(lib.AddDownload("dl.bin", H2));
            var nextHash = 1;
            for (var step = 0; step < 60; step++)
            {
                now = now.AddMilliseconds(rng.Next(1, 1500));
                var name = "f" + rng.Next(4);
                switch (rng.Next(6))
                {
                    case 0: disk[name] = File(name, rng.Next(0, 3), now); break;
                    case 1:
                        disk.Remove(name);
                        hashedSignatures.RemoveWhere(h => h.Item1 == name);
                        break;
                    case 2: disk["dl.bin"] = File("dl.bin", rng.Next(100), now); break;
                }
                var plan = lib.Observe(disk.Values.ToList(), now);
                Assert.DoesNotContain(plan.ToHash, f => f.Name == "dl.bin");
                Assert.DoesNotContain(plan.ToUnshare, u => u.Name == "dl.bin");
                foreach (var f in plan.ToHash)
                {
                    Assert.True(hashedSignatures.Add((f.Name, f.Signature)), $"{f.Name} handed out twice unchanged");
                    Assert.True(f.Size > 0);
                    Assert.True(now - new DateTimeOffset(f.ModifiedUtc) >= Quiet);
                    var hex = nextHash++.ToString("x40");
                    if (rng.Next(4) > 0) lib.Hashed(f.Name, f.Signature, InfoHash.FromHex(hex), now);
                    else
                    {
                        lib.HashDiscarded(f.Name, now);
                        hashedSignatures.Remove((f.Name, f.Signature)); // thrown away: it may be handed out again
                    }
                }
                foreach (var item in lib.Items.Where(i => i.State == ShareItemState.Shared && i.Name != "dl.bin"))
                    Assert.Equal(disk[item.Name].Signature, item.Signature);
            }
            Assert.Equal(ShareItemState.Downloading, lib.Find(H2)!.State);
        }
    }
}
