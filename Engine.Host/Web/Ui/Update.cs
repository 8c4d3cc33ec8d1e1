using System.Collections.Immutable;
using System.Net;
using Engine.Core.Metainfo;

namespace Engine.Host.Web.Ui;

/// <summary>
/// The UI's only state transition: <c>Apply(model, msg) → (model', cmd)</c>. Pure: no engine, no clock, no I/O,
/// the same inputs always give the same outputs. Effects are returned as <see cref="Cmd"/> values.
/// </summary>
public static class Update
{
    public static (Model Model, Cmd Cmd) Apply(Model model, Msg msg) => msg switch
    {
        Msg.Tick => (AgeNotices(model), Poll(model)),
        Msg.TorrentsLoaded m => (OnTorrents(model, m.Torrents) with { DhtNodes = m.DhtNodes }, Cmd.None),
        Msg.TorrentsLoadFailed m => (model with { LoadError = m.Error }, Cmd.None),
        Msg.ClusterLoaded m => (model.Cluster is null ? model : model with { Cluster = m.Cluster, ClusterError = null }, Cmd.None),
        Msg.ClusterLoadFailed m => (model.Cluster is null ? model : model with { ClusterError = m.Error }, Cmd.None),
        Msg.DetailsLoaded m => (m.Details.Hash == model.Selected ? OnDetails(model, m.Details) : model, Cmd.None),
        Msg.DetailsLoadFailed m => (m.Hash == model.Selected ? model with { Details = null } : model, Cmd.None),
        Msg.TorrentAdded m => OnAdded(model, m),
        Msg.AddFailed m => (model with { Add = model.Add with { Busy = false, Error = m.Error } }, Cmd.None),
        Msg.ActionSucceeded { Action: TorrentAction.SetFilePriority } m => (model with { Pending = model.Pending.Remove(m.Hash) },
            model.Selected == m.Hash ? Cmd.Batch(new Cmd.LoadDetails(m.Hash), new Cmd.LoadTorrents()) : new Cmd.LoadTorrents()),
        Msg.ActionSucceeded m => m.Action == TorrentAction.SetLimits
            ? (Notify(model with { Pending = model.Pending.Remove(m.Hash) }, NoticeLevel.Info, $"limits of {NameOf(model, m.Hash)} set"),
                model.Selected == m.Hash ? new Cmd.LoadDetails(m.Hash) : Cmd.None)
            : (model with { Pending = model.Pending.Remove(m.Hash) }, new Cmd.LoadTorrents()),
        Msg.ActionFailed m => (Notify(model with { Pending = model.Pending.Remove(m.Hash) }, NoticeLevel.Error,
            $"{Verb(m.Action)} {NameOf(model, m.Hash)} failed: {m.Error}"), new Cmd.LoadTorrents()),
        Msg.TorrentRemoved m => OnRemoved(model, m),

        Msg.Select m => model.Find(m.Hash) is null
            ? (model, Cmd.None)
            : (model with
            {
                Selected = m.Hash,
                Details = model.Details?.Hash == m.Hash ? model.Details : null,
                Limits = model.Limits?.Hash == m.Hash ? model.Limits : null,
            }, new Cmd.LoadDetails(m.Hash)),
        Msg.CloseDetails => (model with { Selected = null, Details = null, Limits = null }, Cmd.None),
        Msg.ShowTab m => (model with { Tab = m.Tab }, Cmd.None),
        Msg.ChooseSource m => (EditForm(model, f => f with { Source = m.Source }), Cmd.None),
        Msg.EditMagnet m => (EditForm(model, f => f with { Magnet = m.Text }), Cmd.None),
        Msg.EditPath m => (EditForm(model, f => f with { Path = m.Text }), Cmd.None),
        Msg.EditSaveDirectory m => (EditForm(model, f => f with { SaveDirectory = m.Text }), Cmd.None),
        Msg.EditPeer m => (EditForm(model, f => f with { Peer = m.Text }), Cmd.None),
        Msg.FileChosen m => (EditForm(model, f => f with { Source = AddSource.Upload, FileName = m.Name, FileBytes = m.Bytes }), Cmd.None),
        Msg.FileRejected m => (model with { Add = model.Add with { FileName = null, FileBytes = ImmutableArray<byte>.Empty, Error = m.Reason } }, Cmd.None),
        Msg.SubmitAdd => Submit(model),
        Msg.Pause m => Act(model, m.Hash, new Cmd.Pause(m.Hash)),
        Msg.SetFilePriority m => Act(model, m.Hash, new Cmd.SetFilePriority(m.Hash, m.Index, m.Priority)),
        Msg.Resume m => Act(model, m.Hash, new Cmd.Resume(m.Hash)),
        Msg.AskRemove m => model.Find(m.Hash) is { } row ? (model with { Removing = new RemovePrompt(row.Hash, row.Name) }, Cmd.None) : (model, Cmd.None),
        Msg.CancelRemove => (model with { Removing = null }, Cmd.None),
        Msg.ConfirmRemove m => model.Removing is { } r
            ? (model with { Removing = null, Pending = model.Pending.Union(r.More).Add(r.Hash), Checked = model.Checked.Except(r.More).Remove(r.Hash) },
                Cmd.Batch([new Cmd.Remove(r.Hash, m.DeleteData), .. r.More.Select(h => (Cmd)new Cmd.Remove(h, m.DeleteData))]))
            : (model, Cmd.None),
        Msg.AskRemoveChecked => AskRemoveChecked(model),
        Msg.DismissNotice m => (model with { Notices = model.Notices.RemoveAll(n => n.Id == m.Id) }, Cmd.None),
        Msg.SortBy m => (model with { SortBy = m.Column, SortDescending = model.SortBy == m.Column && !model.SortDescending }, Cmd.None),
        Msg.EditFilter m => (model with { Filter = m.Text }, Cmd.None),
        Msg.ToggleChecked m => (model.Find(m.Hash) is null ? model
            : model with { Checked = model.Checked.Contains(m.Hash) ? model.Checked.Remove(m.Hash) : model.Checked.Add(m.Hash) }, Cmd.None),
        Msg.CheckAll m => (model with { Checked = m.On ? model.Visible().Select(t => t.Hash).ToImmutableHashSet() : ImmutableHashSet<string>.Empty }, Cmd.None),
        Msg.PauseChecked => Bulk(model, pause: true),
        Msg.ResumeChecked => Bulk(model, pause: false),
        Msg.OpenSettings => (model with { Settings = model.Settings ?? new SettingsForm("", "", model.Add.SaveDirectory, null, Busy: true) }, new Cmd.LoadSettings()),
        Msg.CloseSettings => (model with { Settings = null }, Cmd.None),
        Msg.SettingsLoaded m => (model.Settings is null ? model : model with { Settings = SettingsForm.From(m.Settings) }, Cmd.None),
        Msg.EditSetting m => (model.Settings is { } f ? model with { Settings = Edit(f, m) with { Error = null } } : model, Cmd.None),
        Msg.SaveSettings => SaveSettings(model),
        Msg.SettingsSaved m => (Notify(model with
        {
            Settings = null,
            Add = model.Add with { SaveDirectory = m.Settings.DefaultSaveDirectory },
        }, NoticeLevel.Info, "settings saved"), Cmd.None),
        Msg.SettingsFailed m => (model.Settings is { } f ? model with { Settings = f with { Busy = false, Error = m.Error } } : model, Cmd.None),
        Msg.EditTorrentLimit m => (model.Limits is { } l ? model with { Limits = (m.Upload ? l with { Upload = m.Text } : l with { Download = m.Text }) with { Error = null } } : model, Cmd.None),
        Msg.ApplyTorrentLimits => ApplyLimits(model),

        Msg.PieceVerified m => (model.Details is { } d && d.Hash == m.Hash
            ? model with { Details = d with { Pieces = d.Pieces.With(m.Piece) } }
            : model, Cmd.None),
        Msg.Completed m => (OnCompleted(model, m.Hash), Cmd.None),
        Msg.Failed m => (OnFailed(model, m), Cmd.None),
        Msg.PeerConnected m => (OnPeerConnected(model, m), Cmd.None),
        Msg.PeerDropped m => (OnPeerDropped(model, m), Cmd.None),
        Msg.StateChanged m => (model.Find(m.Hash) is { } row ? WithRow(model, row with { State = m.State }) : model, Cmd.None),
        Msg.MetadataReceived m => (model.Find(m.Hash) is { } row ? WithRow(model, row with { Name = m.Name }) : model, Cmd.None),
        _ => throw new ArgumentOutOfRangeException(nameof(msg), msg, "no update rule for this message"),
    };

    private static Model OnDetails(Model model, TorrentDetails details) => model with
    {
        Details = details,
        // The limit fields follow the torrent until the user edits them.
        Limits = model.Limits is { } l && l.Hash == details.Hash ? l : new LimitsForm(details.Hash, Rates.Text(details.UploadLimit), Rates.Text(details.DownloadLimit)),
    };

    private static (Model, Cmd) Bulk(Model model, bool pause)
    {
        var cmds = new List<Cmd>();
        var pending = model.Pending;
        foreach (var row in model.Torrents) // in the list's order, so the same model always gives the same commands
        {
            if (!model.Checked.Contains(row.Hash) || pending.Contains(row.Hash) || row.IsPaused != !pause) continue;
            pending = pending.Add(row.Hash);
            cmds.Add(pause ? new Cmd.Pause(row.Hash) : new Cmd.Resume(row.Hash));
        }
        return (model with { Pending = pending }, Cmd.Batch([.. cmds]));
    }

    private static (Model, Cmd) AskRemoveChecked(Model model)
    {
        var rows = model.Torrents.Where(t => model.Checked.Contains(t.Hash) && !model.Pending.Contains(t.Hash)).ToList();
        if (rows.Count == 0) return (model, Cmd.None);
        var prompt = rows.Count == 1
            ? new RemovePrompt(rows[0].Hash, rows[0].Name)
            : new RemovePrompt(rows[0].Hash, $"{rows.Count} torrents") { More = rows.Skip(1).Select(t => t.Hash).ToImmutableList() };
        return (model with { Removing = prompt }, Cmd.None);
    }

    private static SettingsForm Edit(SettingsForm f, Msg.EditSetting m) => m.Field switch
    {
        SettingField.Upload => f with { Upload = m.Text },
        SettingField.Download => f with { Download = m.Text },
        _ => f with { SaveDirectory = m.Text },
    };

    private static (Model, Cmd) SaveSettings(Model model)
    {
        if (model.Settings is not { Busy: false } f) return (model, Cmd.None);
        var (upOk, up) = Rates.Parse(f.Upload);
        var (downOk, down) = Rates.Parse(f.Download);
        string? error = !upOk ? $"upload limit '{f.Upload}' is not a rate (500k, 2M; empty for none)"
            : !downOk ? $"download limit '{f.Download}' is not a rate (500k, 2M; empty for none)"
            : f.SaveDirectory.Trim().Length == 0 ? "give a default save directory"
            : null;
        return error is not null
            ? (model with { Settings = f with { Error = error } }, Cmd.None)
            : (model with { Settings = f with { Busy = true, Error = null } }, new Cmd.SaveSettings(up, down, f.SaveDirectory.Trim()));
    }

    private static (Model, Cmd) ApplyLimits(Model model)
    {
        if (model.Limits is not { } l || model.Find(l.Hash) is null || model.Pending.Contains(l.Hash)) return (model, Cmd.None);
        var (upOk, up) = Rates.Parse(l.Upload);
        var (downOk, down) = Rates.Parse(l.Download);
        if (!upOk || !downOk)
            return (model with { Limits = l with { Error = $"'{(upOk ? l.Download : l.Upload)}' is not a rate (500k, 2M; empty for none)" } }, Cmd.None);
        return (model with { Pending = model.Pending.Add(l.Hash) }, new Cmd.SetTorrentLimits(l.Hash, up, down));
    }

    // A cluster node also reads the cluster (its members, every torrent's replicas) each tick.
    private static Cmd Poll(Model model) => Cmd.Batch(
        new Cmd.LoadTorrents(),
        model.Selected is { } hash ? new Cmd.LoadDetails(hash) : Cmd.None,
        model.Cluster is null ? Cmd.None : new Cmd.LoadCluster());

    private static Model AgeNotices(Model model)
    {
        if (model.Notices.IsEmpty) return model;
        var kept = ImmutableList.CreateBuilder<Notice>();
        foreach (var n in model.Notices)
            if (n.TicksLeft > 1) kept.Add(n with { TicksLeft = n.TicksLeft - 1 });
        return model with { Notices = kept.ToImmutable() };
    }

    private static Model OnTorrents(Model model, ImmutableList<TorrentRow> torrents)
    {
        var history = model.History.Add(new RateSample(torrents.Sum(t => t.DownloadRate), torrents.Sum(t => t.UploadRate)));
        if (history.Count > Model.HistoryLength) history = history.RemoveRange(0, history.Count - Model.HistoryLength);
        model = model with { Torrents = torrents, Loaded = true, LoadError = null, History = history };
        if (!model.Checked.IsEmpty) model = model with { Checked = model.Checked.Where(h => model.Find(h) is not null).ToImmutableHashSet() };
        if (model.Selected is { } s && model.Find(s) is null) model = model with { Selected = null, Details = null };
        if (model.Removing is { } r && model.Find(r.Hash) is null) model = model with { Removing = null };
        var pending = model.Pending;
        foreach (var hash in model.Pending)
            if (model.Find(hash) is null) pending = pending.Remove(hash);
        return model with { Pending = pending };
    }

    private static (Model, Cmd) OnAdded(Model model, Msg.TorrentAdded m)
    {
        var form = AddForm.Empty(model.Add.SaveDirectory) with { Source = model.Add.Source, Serial = model.Add.Serial + 1 };
        return (Notify(model with { Add = form }, NoticeLevel.Info, $"added {m.Name}"), new Cmd.LoadTorrents());
    }

    private static (Model, Cmd) OnRemoved(Model model, Msg.TorrentRemoved m)
    {
        var name = NameOf(model, m.Hash);
        var next = model with
        {
            Torrents = model.Torrents.RemoveAll(t => t.Hash == m.Hash),
            Pending = model.Pending.Remove(m.Hash),
            Selected = model.Selected == m.Hash ? null : model.Selected,
            Details = model.Details?.Hash == m.Hash ? null : model.Details,
            Removing = model.Removing?.Hash == m.Hash ? null : model.Removing,
        };
        return (Notify(next, NoticeLevel.Info, $"removed {name}{(m.DataDeleted ? " and deleted its data" : " (data kept)")}"), Cmd.None);
    }

    private static Model EditForm(Model model, Func<AddForm, AddForm> edit) =>
        model with { Add = edit(model.Add) with { Error = null } };

    private static (Model, Cmd) Submit(Model model)
    {
        var form = model.Add;
        if (form.Busy) return (model, Cmd.None);
        var (request, error) = Validate(form);
        return request is null
            ? (model with { Add = form with { Error = error } }, Cmd.None)
            : (model with { Add = form with { Busy = true, Error = null } }, new Cmd.AddTorrent(request));
    }

    /// <summary>Checks the form; returns the request, or the reason it cannot be sent.</summary>
    public static (AddRequest? Request, string? Error) Validate(AddForm form)
    {
        var save = form.SaveDirectory.Trim();
        if (save.Length == 0) return (null, "give a save directory");
        IPEndPoint? peer = null;
        var peerText = form.Peer.Trim();
        if (peerText.Length > 0 && (!IPEndPoint.TryParse(peerText, out peer) || peer.Port == 0))
            return (null, $"peer '{peerText}' is not an address:port");
        switch (form.Source)
        {
            case AddSource.Upload:
                return form.FileBytes.IsDefaultOrEmpty
                    ? (null, "choose a .torrent file")
                    : (new AddRequest(form.FileBytes, null, save, peer), null);
            case AddSource.Magnet:
                var magnet = form.Magnet.Trim();
                if (!MagnetLink.IsMagnet(magnet)) return (null, "a magnet link starts with 'magnet:'");
                try
                {
                    MagnetLink.Parse(magnet);
                }
                catch (MagnetException e)
                {
                    return (null, e.Message);
                }
                return (new AddRequest(ImmutableArray<byte>.Empty, magnet, save, peer), null);
            case AddSource.ServerPath:
                var path = form.Path.Trim();
                return path.Length == 0
                    ? (null, "give the path of a .torrent file on the server")
                    : (new AddRequest(ImmutableArray<byte>.Empty, path, save, peer), null);
            default:
                return (null, $"unknown source {form.Source}");
        }
    }

    private static (Model, Cmd) Act(Model model, string hash, Cmd cmd) =>
        model.Find(hash) is null || model.Pending.Contains(hash)
            ? (model, Cmd.None)
            : (model with { Pending = model.Pending.Add(hash) }, cmd);

    // A stream opened late replays Completed/Failed: only news (the row did not show it yet) is announced.
    private static Model OnCompleted(Model model, string hash)
    {
        if (model.Find(hash) is not { } row) return model;
        var done = WithRow(model, row with { Progress = 1, VerifiedBytes = row.TotalBytes, EtaSeconds = 0 });
        return row.Progress >= 1 ? done : Notify(done, NoticeLevel.Info, $"{row.Name} completed");
    }

    private static Model OnFailed(Model model, Msg.Failed m)
    {
        if (model.Find(m.Hash) is not { } row) return model;
        var failed = WithRow(model, row with { State = TorrentRow.States.Error, Error = m.Reason });
        return row.State == TorrentRow.States.Error && row.Error == m.Reason ? failed : Notify(failed, NoticeLevel.Error, $"{row.Name} failed: {m.Reason}");
    }

    private static Model OnPeerConnected(Model model, Msg.PeerConnected m)
    {
        if (model.Find(m.Hash) is not { } row) return model;
        model = WithRow(model, row with { Peers = row.Peers + 1 });
        if (model.Details is not { } d || d.Hash != m.Hash || d.Peers.Exists(p => p.Address == m.Address)) return model;
        var peer = new PeerRow(m.Address, m.Client ?? "", 0, 0, AmChoking: true, AmInterested: false, PeerChoking: true, PeerInterested: false, Progress: 0) { Source = m.Source };
        return model with { Details = d with { Peers = d.Peers.Add(peer) } };
    }

    private static Model OnPeerDropped(Model model, Msg.PeerDropped m)
    {
        if (model.Find(m.Hash) is not { } row) return model;
        model = WithRow(model, row with { Peers = Math.Max(0, row.Peers - 1) });
        return model.Details is { } d && d.Hash == m.Hash
            ? model with { Details = d with { Peers = d.Peers.RemoveAll(p => p.Address == m.Address) } }
            : model;
    }

    private static Model WithRow(Model model, TorrentRow row)
    {
        var i = model.Torrents.FindIndex(t => t.Hash == row.Hash);
        return i < 0 ? model : model with { Torrents = model.Torrents.SetItem(i, row) };
    }

    private static Model Notify(Model model, NoticeLevel level, string text)
    {
        var notices = model.Notices.Add(new Notice(model.NextNoticeId, level, text, level == NoticeLevel.Error ? Model.ErrorTicks : Model.InfoTicks));
        if (notices.Count > Model.MaxNotices) notices = notices.RemoveRange(0, notices.Count - Model.MaxNotices);
        return model with { Notices = notices, NextNoticeId = model.NextNoticeId + 1 };
    }

    private static string NameOf(Model model, string hash) => model.Find(hash)?.Name ?? hash;

    private static string Verb(TorrentAction action) => action switch
    {
        TorrentAction.Pause => "pausing",
        TorrentAction.Resume => "resuming",
        TorrentAction.SetLimits => "limiting",
        TorrentAction.SetFilePriority => "changing a file of",
        _ => "removing",
    };
}
