using System.Collections.Immutable;

namespace Engine.Host.Web.Ui;

public enum DetailTab
{
    Files,
    Peers,
    Trackers,
    Pieces,
}

/// <summary>The torrent (and its name) whose removal waits for a "keep or delete the data" answer.</summary>
public sealed record RemovePrompt(string Hash, string Name)
{
    /// <summary>The other torrents removed with it (a bulk removal of the ticked torrents); <see cref="Name"/> then says how many.</summary>
    public ImmutableList<string> More { get; init; } = [];
}

/// <summary>
/// The whole state of one browser session's UI. Immutable: <see cref="Update.Apply"/> returns a new one for every
/// message, and the Razor components render only from it.
/// </summary>
/// <param name="Loaded">The first torrent list has arrived.</param>
/// <param name="LoadError">Why the last status poll failed (null when it worked).</param>
/// <param name="Selected">Info-hash of the torrent whose details are open.</param>
/// <param name="Details">Details of <paramref name="Selected"/>, once loaded.</param>
/// <param name="Pending">Torrents with a pause, resume or remove in flight (their buttons are disabled).</param>
/// <param name="NextNoticeId">Id for the next notice (ids are never reused within a session).</param>
public sealed record Model(
    ImmutableList<TorrentRow> Torrents,
    bool Loaded,
    string? LoadError,
    string? Selected,
    DetailTab Tab,
    TorrentDetails? Details,
    AddForm Add,
    RemovePrompt? Removing,
    ImmutableHashSet<string> Pending,
    ImmutableList<Notice> Notices,
    int NextNoticeId)
{
    /// <summary>Torrents ticked in the list for a bulk action.</summary>
    public ImmutableHashSet<string> Checked { get; init; } = ImmutableHashSet<string>.Empty;

    /// <summary>The list shows torrents whose name or state contains this (any case).</summary>
    public string Filter { get; init; } = "";

    public SortColumn SortBy { get; init; } = SortColumn.Added;

    public bool SortDescending { get; init; }

    /// <summary>Nodes in the engine's DHT routing table at the last poll; null when the DHT is off.</summary>
    public int? DhtNodes { get; init; }

    /// <summary>The settings panel, when open.</summary>
    public SettingsForm? Settings { get; init; }

    /// <summary>The selected torrent's limits as typed, when its details are open.</summary>
    public LimitsForm? Limits { get; init; }

    /// <summary>The cluster (nodes, each torrent's replicas) when the host runs as a cluster node; null for a single engine.</summary>
    public ClusterView? Cluster { get; init; }

    /// <summary>Why the last cluster poll failed (null when it worked).</summary>
    public string? ClusterError { get; init; }

    /// <summary>Total rates of the last <see cref="HistoryLength"/> polls, oldest first.</summary>
    public ImmutableList<RateSample> History { get; init; } = [];

    public const int HistoryLength = 120;

    /// <summary>The rows the list shows: filtered, then sorted.</summary>
    public ImmutableList<TorrentRow> Visible()
    {
        var filter = Filter.Trim();
        IEnumerable<TorrentRow> rows = filter.Length == 0
            ? Torrents
            : Torrents.Where(t => t.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)
                                  || StateLabels.Of(t.State).Contains(filter, StringComparison.OrdinalIgnoreCase));
        if (SortBy != SortColumn.Added)
        {
            Func<TorrentRow, IComparable> key = SortBy switch
            {
                SortColumn.Name => t => t.Name.ToLowerInvariant(),
                SortColumn.Size => t => t.TotalBytes,
                SortColumn.Progress => t => t.Progress,
                SortColumn.State => t => StateLabels.Of(t.State),
                SortColumn.Down => t => t.DownloadRate,
                SortColumn.Up => t => t.UploadRate,
                SortColumn.Peers => t => t.Peers,
                _ => t => t.EtaSeconds ?? double.MaxValue,
            };
            rows = SortDescending ? rows.OrderByDescending(key) : rows.OrderBy(key);
        }
        else if (SortDescending) rows = rows.Reverse();
        return rows.ToImmutableList();
    }

    /// <summary>Notices kept at once; older ones are dropped.</summary>
    public const int MaxNotices = 5;

    /// <summary>Ticks an info notice stays; errors stay <see cref="ErrorTicks"/>.</summary>
    public const int InfoTicks = 6;

    public const int ErrorTicks = 30;

    /// <summary>The model before anything is known; new adds default to <paramref name="saveDirectory"/>.</summary>
    public static Model Initial(string saveDirectory) => new(
        ImmutableList<TorrentRow>.Empty, Loaded: false, LoadError: null, Selected: null, DetailTab.Files, Details: null,
        AddForm.Empty(saveDirectory), Removing: null, ImmutableHashSet<string>.Empty, ImmutableList<Notice>.Empty, NextNoticeId: 1);

    public TorrentRow? Find(string hash)
    {
        foreach (var t in Torrents)
            if (t.Hash == hash) return t;
        return null;
    }

    public TorrentRow? SelectedRow => Selected is null ? null : Find(Selected);

    /// <summary>The info-hashes whose engine events this session listens to (Elm's subscriptions).</summary>
    public ImmutableHashSet<string> Subscriptions()
    {
        var set = ImmutableHashSet.CreateBuilder<string>();
        foreach (var t in Torrents) set.Add(t.Hash);
        return set.ToImmutable();
    }
}
