using System.Collections.Immutable;
using Engine.Host.Web.Ui;
using static Engine.Tests.Web.UiSamples;

namespace Engine.Tests.Web;

public sealed class UpdateTests
{
    private static (Model Model, Cmd Cmd) Apply(Model model, params Msg[] msgs)
    {
        var cmd = Cmd.None;
        foreach (var m in msgs) (model, cmd) = Update.Apply(model, m);
        return (model, cmd);
    }

    // --- the clock

    [Fact]
    public void Tick_polls_the_torrent_list()
    {
        var (model, cmd) = Apply(Empty, new Msg.Tick());
        Assert.Equal(new Cmd.LoadTorrents(), cmd);
        Assert.Equal(Empty, model);
    }

    [Fact]
    public void Tick_with_a_selected_torrent_also_polls_its_details()
    {
        var (_, cmd) = Apply(Selected, new Msg.Tick());
        var batch = Assert.IsType<Cmd.BatchCmd>(cmd);
        Assert.Equal([new Cmd.LoadTorrents(), new Cmd.LoadDetails(HashA)], batch.Cmds);
    }

    [Fact]
    public void Tick_ages_notices_and_drops_the_expired_ones()
    {
        var model = Empty with
        {
            Notices = [new Notice(1, NoticeLevel.Info, "old", 1), new Notice(2, NoticeLevel.Error, "new", 5)],
        };
        var (after, _) = Apply(model, new Msg.Tick());
        var left = Assert.Single(after.Notices);
        Assert.Equal(2, left.Id);
        Assert.Equal(4, left.TicksLeft);
    }

    [Fact]
    public void An_info_notice_disappears_after_its_ticks_and_an_error_stays_longer()
    {
        var (model, _) = Apply(WithTwo, new Msg.Completed(HashA), new Msg.Failed(HashB, "disk full"));
        Assert.Equal(2, model.Notices.Count);
        for (var i = 0; i < Model.InfoTicks; i++) (model, _) = Apply(model, new Msg.Tick());
        Assert.Equal(NoticeLevel.Error, Assert.Single(model.Notices).Level);
        for (var i = Model.InfoTicks; i < Model.ErrorTicks; i++) (model, _) = Apply(model, new Msg.Tick());
        Assert.Empty(model.Notices);
    }

    // --- command outcomes

    [Fact]
    public void TorrentsLoaded_replaces_the_list_and_clears_the_load_error()
    {
        var rows = ImmutableList.Create(Row(HashB, "beta"));
        var (model, cmd) = Apply(Empty with { LoadError = "timeout" }, new Msg.TorrentsLoaded(rows));
        Assert.Same(rows, model.Torrents);
        Assert.True(model.Loaded);
        Assert.Null(model.LoadError);
        Assert.Equal(Cmd.None, cmd);
    }

    [Fact]
    public void TorrentsLoaded_without_the_selected_torrent_closes_its_details_prompt_and_pending_mark()
    {
        var model = Selected with { Removing = new RemovePrompt(HashA, "alpha"), Pending = [HashA, HashB] };
        var (after, _) = Apply(model, new Msg.TorrentsLoaded([Row(HashB)]));
        Assert.Null(after.Selected);
        Assert.Null(after.Details);
        Assert.Null(after.Removing);
        Assert.Equal([HashB], after.Pending);
    }

    [Fact]
    public void TorrentsLoadFailed_keeps_the_last_list_and_shows_the_error()
    {
        var (model, cmd) = Apply(WithTwo, new Msg.TorrentsLoadFailed("engine stopped"));
        Assert.Equal("engine stopped", model.LoadError);
        Assert.Equal(2, model.Torrents.Count);
        Assert.Equal(Cmd.None, cmd);
    }

    [Fact]
    public void DetailsLoaded_is_taken_only_for_the_selected_torrent()
    {
        var model = WithTwo with { Selected = HashA };
        var (stale, _) = Apply(model, new Msg.DetailsLoaded(Details(HashB)));
        Assert.Null(stale.Details);
        var (fresh, _) = Apply(model, new Msg.DetailsLoaded(Details(HashA)));
        Assert.Equal(HashA, fresh.Details!.Hash);
    }

    [Fact]
    public void DetailsLoadFailed_clears_the_details_of_the_selected_torrent_only()
    {
        Assert.Null(Apply(Selected, new Msg.DetailsLoadFailed(HashA, "removed")).Model.Details);
        Assert.NotNull(Apply(Selected, new Msg.DetailsLoadFailed(HashB, "removed")).Model.Details);
    }

    [Fact]
    public void TorrentAdded_resets_the_form_keeping_source_and_save_directory_notifies_and_reloads()
    {
        var model = WithTwo with
        {
            Add = WithTwo.Add with { Source = AddSource.Magnet, Magnet = Magnet, SaveDirectory = "/elsewhere", Peer = "127.0.0.1:1", Busy = true },
        };
        var (after, cmd) = Apply(model, new Msg.TorrentAdded(HashB, "beta"));
        Assert.Equal(AddForm.Empty("/elsewhere") with { Source = AddSource.Magnet, Serial = 1 }, after.Add);
        Assert.Equal("added beta", Assert.Single(after.Notices).Text);
        Assert.Equal(new Cmd.LoadTorrents(), cmd);
    }

    [Fact]
    public void AddFailed_shows_the_reason_in_the_form_and_keeps_the_input()
    {
        var model = Empty with { Add = Empty.Add with { Source = AddSource.Magnet, Magnet = Magnet, Busy = true } };
        var (after, cmd) = Apply(model, new Msg.AddFailed("already added"));
        Assert.False(after.Add.Busy);
        Assert.Equal("already added", after.Add.Error);
        Assert.Equal(Magnet, after.Add.Magnet);
        Assert.Equal(Cmd.None, cmd);
    }

    [Fact]
    public void ActionSucceeded_clears_the_pending_mark_and_reloads()
    {
        var (model, cmd) = Apply(WithTwo with { Pending = [HashA] }, new Msg.ActionSucceeded(HashA, TorrentAction.Pause));
        Assert.Empty(model.Pending);
        Assert.Equal(new Cmd.LoadTorrents(), cmd);
    }

    [Fact]
    public void ActionFailed_clears_the_pending_mark_and_names_the_torrent_in_an_error_notice()
    {
        var (model, cmd) = Apply(WithTwo with { Pending = [HashA] }, new Msg.ActionFailed(HashA, TorrentAction.Resume, "engine stopped"));
        Assert.Empty(model.Pending);
        var notice = Assert.Single(model.Notices);
        Assert.Equal(NoticeLevel.Error, notice.Level);
        Assert.Equal("resuming alpha failed: engine stopped", notice.Text);
        Assert.Equal(new Cmd.LoadTorrents(), cmd);
    }

    [Fact]
    public void TorrentRemoved_drops_the_row_its_selection_and_says_whether_the_data_was_deleted()
    {
        var (model, cmd) = Apply(Selected with { Pending = [HashA] }, new Msg.TorrentRemoved(HashA, DataDeleted: true));
        Assert.Equal([HashB], model.Torrents.Select(t => t.Hash));
        Assert.Null(model.Selected);
        Assert.Null(model.Details);
        Assert.Empty(model.Pending);
        Assert.Equal("removed alpha and deleted its data", Assert.Single(model.Notices).Text);
        Assert.Equal(Cmd.None, cmd);
        Assert.EndsWith("(data kept)", Apply(WithTwo, new Msg.TorrentRemoved(HashB, false)).Model.Notices[0].Text);
    }

    // --- user intents

    [Fact]
    public void Select_opens_a_known_torrent_and_loads_its_details()
    {
        var (model, cmd) = Apply(WithTwo, new Msg.Select(HashB));
        Assert.Equal(HashB, model.Selected);
        Assert.Null(model.Details);
        Assert.Equal(new Cmd.LoadDetails(HashB), cmd);
    }

    [Fact]
    public void Select_of_another_torrent_drops_the_old_details_and_of_the_same_keeps_them()
    {
        Assert.Null(Apply(Selected, new Msg.Select(HashB)).Model.Details);
        Assert.NotNull(Apply(Selected, new Msg.Select(HashA)).Model.Details);
    }

    [Fact]
    public void Select_of_an_unknown_torrent_changes_nothing()
    {
        var (model, cmd) = Apply(WithTwo, new Msg.Select("cc"));
        Assert.Same(WithTwo, model);
        Assert.Equal(Cmd.None, cmd);
    }

    [Fact]
    public void CloseDetails_clears_the_selection()
    {
        var (model, _) = Apply(Selected, new Msg.CloseDetails());
        Assert.Null(model.Selected);
        Assert.Null(model.Details);
    }

    [Fact]
    public void ShowTab_switches_the_detail_tab()
    {
        Assert.Equal(DetailTab.Pieces, Apply(Selected, new Msg.ShowTab(DetailTab.Pieces)).Model.Tab);
    }

    [Fact]
    public void Editing_the_form_sets_the_field_and_clears_the_error()
    {
        var start = Empty with { Add = Empty.Add with { Error = "bad" } };
        Assert.Equal(AddSource.ServerPath, Apply(start, new Msg.ChooseSource(AddSource.ServerPath)).Model.Add.Source);
        Assert.Equal(Magnet, Apply(start, new Msg.EditMagnet(Magnet)).Model.Add.Magnet);
        Assert.Equal("/t/x.torrent", Apply(start, new Msg.EditPath("/t/x.torrent")).Model.Add.Path);
        Assert.Equal("/srv", Apply(start, new Msg.EditSaveDirectory("/srv")).Model.Add.SaveDirectory);
        Assert.Equal("127.0.0.1:9", Apply(start, new Msg.EditPeer("127.0.0.1:9")).Model.Add.Peer);
        foreach (var msg in new Msg[] { new Msg.ChooseSource(AddSource.Magnet), new Msg.EditMagnet(""), new Msg.EditPath(""), new Msg.EditSaveDirectory("/d"), new Msg.EditPeer("") })
            Assert.Null(Apply(start, msg).Model.Add.Error);
    }

    [Fact]
    public void FileChosen_keeps_the_bytes_and_switches_to_upload()
    {
        var bytes = ImmutableArray.Create<byte>(1, 2, 3);
        var (model, _) = Apply(Empty with { Add = Empty.Add with { Source = AddSource.Magnet } }, new Msg.FileChosen("a.torrent", bytes));
        Assert.Equal(AddSource.Upload, model.Add.Source);
        Assert.Equal("a.torrent", model.Add.FileName);
        Assert.Equal(bytes, model.Add.FileBytes);
    }

    [Fact]
    public void FileRejected_forgets_the_previous_file_and_shows_why()
    {
        var (model, _) = Apply(Empty, new Msg.FileChosen("a.torrent", [1]), new Msg.FileRejected("too large"));
        Assert.Null(model.Add.FileName);
        Assert.True(model.Add.FileBytes.IsEmpty);
        Assert.Equal("too large", model.Add.Error);
    }

    [Fact]
    public void SubmitAdd_of_an_upload_sends_the_bytes_with_save_directory_and_peer()
    {
        var (model, cmd) = Apply(Empty, new Msg.FileChosen("a.torrent", [1, 2]), new Msg.EditPeer(" 127.0.0.1:7000 "), new Msg.SubmitAdd());
        Assert.True(model.Add.Busy);
        var add = Assert.IsType<Cmd.AddTorrent>(cmd).Request;
        Assert.Equal([1, 2], add.TorrentFile.ToArray());
        Assert.Null(add.PathOrMagnet);
        Assert.Equal("/data", add.SaveDirectory);
        Assert.Equal("127.0.0.1:7000", add.Peer!.ToString());
    }

    [Fact]
    public void SubmitAdd_of_a_magnet_or_a_server_path_sends_the_text()
    {
        var (_, magnet) = Apply(Empty, new Msg.ChooseSource(AddSource.Magnet), new Msg.EditMagnet(Magnet), new Msg.SubmitAdd());
        Assert.Equal(Magnet, Assert.IsType<Cmd.AddTorrent>(magnet).Request.PathOrMagnet);
        var (_, path) = Apply(Empty, new Msg.ChooseSource(AddSource.ServerPath), new Msg.EditPath("/t/x.torrent"), new Msg.SubmitAdd());
        var request = Assert.IsType<Cmd.AddTorrent>(path).Request;
        Assert.Equal("/t/x.torrent", request.PathOrMagnet);
        Assert.Null(request.Peer);
    }

    [Theory]
    [InlineData(AddSource.Upload, "", "", "/data", "", "choose a .torrent file")]
    [InlineData(AddSource.Magnet, "http://x", "", "/data", "", "a magnet link starts with 'magnet:'")]
    [InlineData(AddSource.Magnet, "magnet:?dn=nohash", "", "/data", "", "xt")]
    [InlineData(AddSource.ServerPath, "", "  ", "/data", "", "give the path of a .torrent file on the server")]
    [InlineData(AddSource.ServerPath, "", "/x.torrent", " ", "", "give a save directory")]
    [InlineData(AddSource.ServerPath, "", "/x.torrent", "/data", "localhost", "peer 'localhost' is not an address:port")]
    [InlineData(AddSource.ServerPath, "", "/x.torrent", "/data", "127.0.0.1:0", "peer '127.0.0.1:0' is not an address:port")]
    public void SubmitAdd_of_an_incomplete_form_shows_the_problem_and_sends_nothing(AddSource source, string magnet, string path, string save, string peer, string error)
    {
        var form = AddForm.Empty(save) with { Source = source, Magnet = magnet, Path = path, Peer = peer };
        var (model, cmd) = Apply(Empty with { Add = form }, new Msg.SubmitAdd());
        Assert.Equal(Cmd.None, cmd);
        Assert.False(model.Add.Busy);
        Assert.Contains(error, model.Add.Error);
    }

    [Fact]
    public void SubmitAdd_while_an_add_is_in_flight_sends_nothing_more()
    {
        var (model, _) = Apply(Empty, new Msg.ChooseSource(AddSource.Magnet), new Msg.EditMagnet(Magnet), new Msg.SubmitAdd());
        var (again, cmd) = Apply(model, new Msg.SubmitAdd());
        Assert.Same(model, again);
        Assert.Equal(Cmd.None, cmd);
    }

    [Fact]
    public void Pause_and_Resume_mark_the_torrent_pending_and_ask_the_engine_once()
    {
        var (paused, pause) = Apply(WithTwo, new Msg.Pause(HashA));
        Assert.Equal(new Cmd.Pause(HashA), pause);
        Assert.Contains(HashA, paused.Pending);
        Assert.Equal(Cmd.None, Apply(paused, new Msg.Pause(HashA)).Cmd);
        var (resumed, resume) = Apply(WithTwo, new Msg.Resume(HashB));
        Assert.Equal(new Cmd.Resume(HashB), resume);
        Assert.Contains(HashB, resumed.Pending);
        Assert.Equal(Cmd.None, Apply(WithTwo, new Msg.Pause("cc")).Cmd);
    }

    [Fact]
    public void A_files_priority_change_asks_the_engine_once_and_reloads_the_details_when_done()
    {
        var selected = Apply(WithTwo, new Msg.Select(HashA)).Model;
        var (pending, cmd) = Apply(selected, new Msg.SetFilePriority(HashA, 2, "skip"));
        Assert.Equal(new Cmd.SetFilePriority(HashA, 2, "skip"), cmd);
        Assert.Contains(HashA, pending.Pending);
        Assert.Equal(Cmd.None, Apply(pending, new Msg.SetFilePriority(HashA, 1, "high")).Cmd);
        var (done, reload) = Apply(pending, new Msg.ActionSucceeded(HashA, TorrentAction.SetFilePriority));
        Assert.DoesNotContain(HashA, done.Pending);
        Assert.Equal(Cmd.Batch(new Cmd.LoadDetails(HashA), new Cmd.LoadTorrents()), reload);
        var failed = Apply(pending, new Msg.ActionFailed(HashA, TorrentAction.SetFilePriority, "boom")).Model;
        Assert.Contains(failed.Notices, n => n.Text.Contains("changing a file of") && n.Text.Contains("boom"));
    }

    [Fact]
    public void AskRemove_opens_the_prompt_and_CancelRemove_closes_it()
    {
        var (asked, cmd) = Apply(WithTwo, new Msg.AskRemove(HashB));
        Assert.Equal(new RemovePrompt(HashB, "beta"), asked.Removing);
        Assert.Equal(Cmd.None, cmd);
        Assert.Null(Apply(asked, new Msg.CancelRemove()).Model.Removing);
        Assert.Null(Apply(WithTwo, new Msg.AskRemove("cc")).Model.Removing);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ConfirmRemove_sends_the_removal_with_the_data_choice(bool deleteData)
    {
        var (model, cmd) = Apply(WithTwo, new Msg.AskRemove(HashA), new Msg.ConfirmRemove(deleteData));
        Assert.Equal(new Cmd.Remove(HashA, deleteData), cmd);
        Assert.Null(model.Removing);
        Assert.Contains(HashA, model.Pending);
        Assert.Equal(Cmd.None, Apply(WithTwo, new Msg.ConfirmRemove(true)).Cmd);
    }

    [Fact]
    public void DismissNotice_removes_that_notice_only()
    {
        var (model, _) = Apply(WithTwo, new Msg.Completed(HashA), new Msg.Completed(HashB));
        var (after, _) = Apply(model, new Msg.DismissNotice(model.Notices[0].Id));
        Assert.Equal([model.Notices[1]], after.Notices);
    }

    [Fact]
    public void At_most_MaxNotices_are_kept_newest_last_with_unique_ids()
    {
        var model = WithTwo;
        for (var i = 0; i < Model.MaxNotices + 3; i++) (model, _) = Apply(model, new Msg.Failed(HashA, "reason " + i));
        Assert.Equal(Model.MaxNotices, model.Notices.Count);
        Assert.Equal(Model.MaxNotices + 3, model.Notices[^1].Id);
        Assert.Equal(model.Notices.Count, model.Notices.Select(n => n.Id).Distinct().Count());
    }

    // --- engine events

    [Fact]
    public void PieceVerified_sets_the_piece_in_the_open_piece_map_once()
    {
        var (model, _) = Apply(Selected, new Msg.PieceVerified(HashA, 9), new Msg.PieceVerified(HashA, 9), new Msg.PieceVerified(HashA, 0));
        var pieces = model.Details!.Pieces;
        Assert.Equal(2, pieces.VerifiedCount);
        Assert.True(pieces.Has(9));
        Assert.True(pieces.Has(0));
        Assert.False(pieces.Has(1));
        Assert.Equal(new byte[] { 0x80, 0x40 }, pieces.Bitfield);
    }

    [Fact]
    public void PieceVerified_of_another_torrent_or_out_of_range_changes_nothing()
    {
        Assert.Same(Selected, Apply(Selected, new Msg.PieceVerified(HashB, 1)).Model);
        Assert.Equal(0, Apply(Selected, new Msg.PieceVerified(HashA, 10)).Model.Details!.Pieces.VerifiedCount);
        Assert.Equal(0, Apply(Selected, new Msg.PieceVerified(HashA, -1)).Model.Details!.Pieces.VerifiedCount);
    }

    [Fact]
    public void Completed_fills_the_row_and_notifies()
    {
        var (model, _) = Apply(WithTwo, new Msg.Completed(HashA));
        var row = model.Find(HashA)!;
        Assert.Equal(1, row.Progress);
        Assert.Equal(row.TotalBytes, row.VerifiedBytes);
        Assert.Equal(0, row.EtaSeconds);
        Assert.Equal("alpha completed", Assert.Single(model.Notices).Text);
        Assert.Same(WithTwo, Apply(WithTwo, new Msg.Completed("cc")).Model);
    }

    [Fact]
    public void Completed_or_Failed_replayed_for_a_row_that_already_shows_it_is_not_announced_again()
    {
        var model = Empty with { Torrents = [Row(HashA, progress: 1), Row(HashB, "beta", TorrentRow.States.Error) with { Error = "disk full" }] };
        var (after, _) = Apply(model, new Msg.Completed(HashA), new Msg.Failed(HashB, "disk full"));
        Assert.Empty(after.Notices);
        var (other, _) = Apply(model, new Msg.Failed(HashB, "read-only file system"));
        Assert.Equal("beta failed: read-only file system", Assert.Single(other.Notices).Text);
    }

    [Fact]
    public void Failed_marks_the_row_as_error_with_the_reason_and_notifies()
    {
        var (model, _) = Apply(WithTwo, new Msg.Failed(HashA, "disk full"));
        var row = model.Find(HashA)!;
        Assert.Equal(TorrentRow.States.Error, row.State);
        Assert.Equal("disk full", row.Error);
        Assert.Equal("alpha failed: disk full", Assert.Single(model.Notices).Text);
        Assert.Same(WithTwo, Apply(WithTwo, new Msg.Failed("cc", "x")).Model);
    }

    [Fact]
    public void A_peer_connecting_is_listed_with_where_it_came_from_and_the_poll_brings_the_dht_node_count()
    {
        var (model, _) = Apply(Selected, new Msg.PeerConnected(HashA, "127.0.0.1:7002", "libtorrent 2.0.8") { Source = "dht" });
        Assert.Equal("dht", model.Details!.Peers.Single(p => p.Address == "127.0.0.1:7002").Source);
        Assert.Null(model.DhtNodes);
        var (polled, _) = Apply(model, new Msg.TorrentsLoaded(model.Torrents) { DhtNodes = 143 });
        Assert.Equal(143, polled.DhtNodes);
        Assert.Null(Apply(polled, new Msg.TorrentsLoaded(model.Torrents)).Model.DhtNodes); // the DHT switched off
    }

    [Fact]
    public void PeerConnected_counts_the_peer_and_lists_it_in_the_open_details_once()
    {
        var (model, _) = Apply(Selected, new Msg.PeerConnected(HashA, "127.0.0.1:7001", "aria2 1.36"),
            new Msg.PeerConnected(HashA, "127.0.0.1:7001", "aria2 1.36"));
        Assert.Equal(4, model.Find(HashA)!.Peers);
        Assert.Equal(["127.0.0.1:7000", "127.0.0.1:7001"], model.Details!.Peers.Select(p => p.Address));
        Assert.Equal("aria2 1.36", model.Details.Peers[1].Client);
        var (other, _) = Apply(Selected, new Msg.PeerConnected(HashB, "127.0.0.1:7001", null));
        Assert.Equal(3, other.Find(HashB)!.Peers);
        Assert.Single(other.Details!.Peers);
    }

    [Fact]
    public void PeerDropped_uncounts_the_peer_never_below_zero_and_unlists_it()
    {
        var (model, _) = Apply(Selected, new Msg.PeerDropped(HashA, "127.0.0.1:7000"));
        Assert.Equal(1, model.Find(HashA)!.Peers);
        Assert.Empty(model.Details!.Peers);
        var (floor, _) = Apply(model, new Msg.PeerDropped(HashA, "x"), new Msg.PeerDropped(HashA, "y"));
        Assert.Equal(0, floor.Find(HashA)!.Peers);
    }

    [Fact]
    public void StateChanged_and_MetadataReceived_update_the_row()
    {
        var (model, _) = Apply(WithTwo, new Msg.StateChanged(HashB, TorrentRow.States.Seeding), new Msg.MetadataReceived(HashB, "gamma"));
        var row = model.Find(HashB)!;
        Assert.Equal(TorrentRow.States.Seeding, row.State);
        Assert.Equal("gamma", row.Name);
        Assert.False(row.IsPaused);
        Assert.Same(WithTwo, Apply(WithTwo, new Msg.StateChanged("cc", "Seeding")).Model);
    }

    // --- properties

    [Fact]
    public void Update_is_pure_the_same_messages_give_equal_models_and_commands()
    {
        var random = new Random(7);
        Msg[] pool =
        [
            new Msg.Tick(), new Msg.Select(HashA), new Msg.Select(HashB), new Msg.CloseDetails(), new Msg.Pause(HashA),
            new Msg.Resume(HashB), new Msg.AskRemove(HashA), new Msg.ConfirmRemove(false), new Msg.CancelRemove(),
            new Msg.Completed(HashA), new Msg.PeerConnected(HashA, "1.2.3.4:5", null), new Msg.PeerDropped(HashA, "1.2.3.4:5"),
            new Msg.PieceVerified(HashA, 3), new Msg.DetailsLoaded(Details(HashA)), new Msg.ActionSucceeded(HashA, TorrentAction.Pause),
            new Msg.TorrentsLoaded([Row(HashA), Row(HashB, "beta")]), new Msg.TorrentRemoved(HashB, false), new Msg.EditMagnet(Magnet),
            new Msg.ChooseSource(AddSource.Magnet), new Msg.SubmitAdd(), new Msg.AddFailed("x"), new Msg.DismissNotice(1),
        ];
        for (var run = 0; run < 200; run++)
        {
            var msgs = Enumerable.Range(0, 30).Select(_ => pool[random.Next(pool.Length)]).ToArray();
            var (a, ca) = Apply(WithTwo, msgs);
            var (b, cb) = Apply(WithTwo, msgs);
            Assert.Equal(Describe(a), Describe(b));
            Assert.Equal(ca, cb);
            Assert.True(a.Notices.Count <= Model.MaxNotices);
            Assert.All(a.Torrents, t => Assert.True(t.Peers >= 0));
            Assert.True(a.Selected is null || a.Find(a.Selected) is not null, "the selection always names a listed torrent");
        }
    }

    private static string Describe(Model m) =>
        string.Join("|", m.Torrents) + m.Selected + m.Tab + (m.Details?.Pieces.VerifiedCount) + string.Join(",", m.Notices) +
        string.Join(",", m.Pending.Order()) + m.Removing + m.Add with { FileBytes = default };
}
