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
public sealed record RemovePrompt(string Hash, string Name);

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
