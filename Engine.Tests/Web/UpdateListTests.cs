using System.Collections.Immutable;
using Engine.Host.Web.Ui;
using static Engine.Tests.Web.UiSamples;

namespace Engine.Tests.Web;

/// <summary>The pure update rules of the list's sorting, filtering and bulk actions, the settings, per-torrent limits and the rate history.</summary>
public sealed class UpdateListTests
{
    private const string HashC = "cccccccccccccccccccccccccccccccccccccccc";

    private static (Model Model, Cmd Cmd) Apply(Model model, params Msg[] msgs)
    {
        var cmd = Cmd.None;
        foreach (var m in msgs) (model, cmd) = Update.Apply(model, m);
        return (model, cmd);
    }

    private static readonly Model Three = Empty with
    {
        Loaded = true,
        Torrents =
        [
            Row(HashA, "alpha", TorrentRow.States.Downloading, progress: 0.5) with { DownloadRate = 300 },
            Row(HashB, "Beta", TorrentRow.States.Paused, progress: 0.9) with { DownloadRate = 0 },
            Row(HashC, "gamma", TorrentRow.States.FetchingMetadata, progress: 0) with { DownloadRate = 100 },
        ],
    };

    private static string[] Names(Model m) => m.Visible().Select(t => t.Name).ToArray();

    [Fact]
    public void Sorting_by_a_column_and_again_reverses_it_and_added_order_is_the_default()
    {
        Assert.Equal(["alpha", "Beta", "gamma"], Names(Three));
        Assert.Equal(["gamma", "alpha", "Beta"], Names(Apply(Three, new Msg.SortBy(SortColumn.Progress)).Model));
        Assert.Equal(["Beta", "alpha", "gamma"], Names(Apply(Three, new Msg.SortBy(SortColumn.Progress), new Msg.SortBy(SortColumn.Progress)).Model));
        Assert.Equal(["alpha", "gamma", "Beta"], Names(Apply(Three, new Msg.SortBy(SortColumn.Down), new Msg.SortBy(SortColumn.Down)).Model));
        Assert.Equal(["alpha", "Beta", "gamma"], Names(Apply(Three, new Msg.SortBy(SortColumn.Name)).Model)); // case-insensitive
    }

    [Fact]
    public void The_filter_matches_names_and_friendly_state_labels_in_any_case()
    {
        Assert.Equal(["Beta"], Names(Apply(Three, new Msg.EditFilter("BET")).Model));
        Assert.Equal(["gamma"], Names(Apply(Three, new Msg.EditFilter("metadata")).Model));
        Assert.Empty(Names(Apply(Three, new Msg.EditFilter("nothing")).Model));
        Assert.Equal("Fetching metadata", StateLabels.Of(TorrentRow.States.FetchingMetadata));
        Assert.Equal("Checking files", StateLabels.Of(TorrentRow.States.Checking));
    }

    [Fact]
    public void Bulk_actions_apply_to_the_ticked_torrents_that_they_change()
    {
        var (model, cmd) = Apply(Three, new Msg.CheckAll(true));
        Assert.Equal(3, model.Checked.Count);
        (model, cmd) = Apply(model, new Msg.PauseChecked());
        Assert.Equal(Cmd.Batch(new Cmd.Pause(HashA), new Cmd.Pause(HashC)), cmd); // Beta is paused already
        Assert.Equal([HashA, HashC], model.Pending.Order());
        var (resumed, resume) = Apply(Three, new Msg.ToggleChecked(HashB), new Msg.ResumeChecked());
        Assert.Equal(new Cmd.Resume(HashB), resume);
        // Ticking follows the filter, and a torrent gone from the list is unticked.
        var (filtered, _) = Apply(Three, new Msg.EditFilter("gam"), new Msg.CheckAll(true));
        Assert.Equal([HashC], filtered.Checked);
        var (gone, _) = Apply(filtered, new Msg.TorrentsLoaded([Row(HashA)]));
        Assert.Empty(gone.Checked);
        Assert.Empty(Apply(resumed, new Msg.CheckAll(false)).Model.Checked);
    }

    [Fact]
    public void Removing_the_ticked_torrents_asks_once_and_removes_them_all()
    {
        var (model, cmd) = Apply(Three, new Msg.ToggleChecked(HashA), new Msg.ToggleChecked(HashC), new Msg.AskRemoveChecked());
        Assert.Equal(Cmd.None, cmd);
        Assert.Equal("2 torrents", model.Removing!.Name);
        (model, cmd) = Apply(model, new Msg.ConfirmRemove(DeleteData: false));
        Assert.Equal(Cmd.Batch(new Cmd.Remove(HashA, false), new Cmd.Remove(HashC, false)), cmd);
        Assert.Null(model.Removing);
        Assert.Empty(model.Checked);
        Assert.Equal([HashA, HashC], model.Pending.Order());
        var (one, _) = Apply(Three, new Msg.ToggleChecked(HashB), new Msg.AskRemoveChecked());
        Assert.Equal(new RemovePrompt(HashB, "Beta"), one.Removing);
        Assert.Null(Apply(Three, new Msg.AskRemoveChecked()).Model.Removing); // nothing ticked
    }

    [Fact]
    public void Settings_load_validate_their_rates_and_save_through_one_command()
    {
        var (model, cmd) = Apply(Three, new Msg.OpenSettings());
        Assert.Equal(new Cmd.LoadSettings(), cmd);
        (model, _) = Apply(model, new Msg.SettingsLoaded(new EngineSettings(2 * 1024 * 1024, null, "/data", "0.0.0.0:6881", [])));
        Assert.Equal(("2M", "", "/data"), (model.Settings!.Upload, model.Settings.Download, model.Settings.SaveDirectory));
        (model, cmd) = Apply(model, new Msg.EditSetting(SettingField.Download, "fast"), new Msg.SaveSettings());
        Assert.Equal(Cmd.None, cmd);
        Assert.Equal("download limit 'fast' is not a rate (500k, 2M; empty for none)", model.Settings!.Error);
        (model, cmd) = Apply(model, new Msg.EditSetting(SettingField.Download, "500k"), new Msg.EditSetting(SettingField.SaveDirectory, "/srv"), new Msg.SaveSettings());
        Assert.Equal(new Cmd.SaveSettings(2 * 1024 * 1024, 500 * 1024, "/srv"), cmd);
        Assert.True(model.Settings!.Busy);
        (model, _) = Apply(model, new Msg.SettingsSaved(new EngineSettings(2 * 1024 * 1024, 500 * 1024, "/srv", null, [])));
        Assert.Null(model.Settings);
        Assert.Equal("/srv", model.Add.SaveDirectory); // new adds default to it
        Assert.Contains(model.Notices, n => n.Text == "settings saved");
    }

    [Fact]
    public void A_torrents_limits_follow_its_details_until_edited_and_apply_through_one_command()
    {
        var (model, _) = Apply(Three, new Msg.Select(HashA), new Msg.DetailsLoaded(Details(HashA) with { UploadLimit = 64 * 1024 }));
        Assert.Equal(new LimitsForm(HashA, "64k", ""), model.Limits);
        (model, var cmd) = Apply(model, new Msg.EditTorrentLimit(false, "1x"), new Msg.ApplyTorrentLimits());
        Assert.Equal(Cmd.None, cmd);
        Assert.Contains("'1x' is not a rate", model.Limits!.Error);
        (model, cmd) = Apply(model, new Msg.EditTorrentLimit(false, "1M"), new Msg.DetailsLoaded(Details(HashA)), new Msg.ApplyTorrentLimits());
        Assert.Equal(new Cmd.SetTorrentLimits(HashA, 64 * 1024, 1024 * 1024), cmd); // the poll did not undo the edit
        (model, cmd) = Apply(model, new Msg.ActionSucceeded(HashA, TorrentAction.SetLimits));
        Assert.Equal(new Cmd.LoadDetails(HashA), cmd);
        Assert.DoesNotContain(HashA, model.Pending);
    }

    [Fact]
    public void Every_poll_adds_the_total_rates_to_a_bounded_history()
    {
        var model = Three;
        for (var i = 0; i < Model.HistoryLength + 5; i++) (model, _) = Apply(model, new Msg.TorrentsLoaded(Three.Torrents));
        Assert.Equal(Model.HistoryLength, model.History.Count);
        Assert.Equal(new RateSample(400, 30), model.History[^1]);
    }
}
