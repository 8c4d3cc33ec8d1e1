using System.Collections.Immutable;

namespace Engine.Host.Web.Ui;

public enum TorrentAction
{
    Pause,
    Resume,
    Remove,
    SetLimits,
    SetFilePriority,
}

/// <summary>A field of the settings panel.</summary>
public enum SettingField
{
    Upload,
    Download,
    SaveDirectory,
}

/// <summary>Everything that can happen to the UI: user intents, command outcomes, engine events and the clock.</summary>
public abstract record Msg
{
    private Msg() { }

    // --- the clock

    /// <summary>The 1 s status poll: reload the list (and the open details), age the notices.</summary>
    public sealed record Tick : Msg;

    // --- command outcomes

    public sealed record TorrentsLoaded(ImmutableList<TorrentRow> Torrents) : Msg
    {
        /// <summary>Nodes in the DHT's routing table; null when the DHT is off.</summary>
        public int? DhtNodes { get; init; }
    }

    public sealed record TorrentsLoadFailed(string Error) : Msg;

    /// <summary>The cluster's members and torrents, read on a cluster node.</summary>
    public sealed record ClusterLoaded(ClusterView Cluster) : Msg;

    public sealed record ClusterLoadFailed(string Error) : Msg;

    public sealed record DetailsLoaded(TorrentDetails Details) : Msg;

    public sealed record DetailsLoadFailed(string Hash, string Error) : Msg;

    public sealed record TorrentAdded(string Hash, string Name) : Msg;

    public sealed record AddFailed(string Error) : Msg;

    public sealed record ActionSucceeded(string Hash, TorrentAction Action) : Msg;

    public sealed record ActionFailed(string Hash, TorrentAction Action, string Error) : Msg;

    public sealed record TorrentRemoved(string Hash, bool DataDeleted) : Msg;

    // --- user intents

    public sealed record Select(string Hash) : Msg;

    public sealed record CloseDetails : Msg;

    public sealed record ShowTab(DetailTab Tab) : Msg;

    public sealed record ChooseSource(AddSource Source) : Msg;

    public sealed record EditMagnet(string Text) : Msg;

    public sealed record EditPath(string Text) : Msg;

    public sealed record EditSaveDirectory(string Text) : Msg;

    public sealed record EditPeer(string Text) : Msg;

    /// <summary>The browser handed over a .torrent file (read by the view's file input).</summary>
    public sealed record FileChosen(string Name, ImmutableArray<byte> Bytes) : Msg;

    /// <summary>The chosen file could not be read (too large, read error).</summary>
    public sealed record FileRejected(string Reason) : Msg;

    public sealed record SubmitAdd : Msg;

    public sealed record Pause(string Hash) : Msg;

    /// <summary>A file's checkbox or priority menu in the Files tab: skip, low, normal or high.</summary>
    public sealed record SetFilePriority(string Hash, int Index, string Priority) : Msg;

    public sealed record Resume(string Hash) : Msg;

    public sealed record AskRemove(string Hash) : Msg;

    public sealed record CancelRemove : Msg;

    public sealed record ConfirmRemove(bool DeleteData) : Msg;

    public sealed record DismissNotice(int Id) : Msg;

    /// <summary>Sort the list by this column (again: the other way round).</summary>
    public sealed record SortBy(SortColumn Column) : Msg;

    public sealed record EditFilter(string Text) : Msg;

    /// <summary>Tick or untick a torrent for a bulk action.</summary>
    public sealed record ToggleChecked(string Hash) : Msg;

    /// <summary>Tick every torrent the list shows, or none.</summary>
    public sealed record CheckAll(bool On) : Msg;

    public sealed record PauseChecked : Msg;

    public sealed record ResumeChecked : Msg;

    /// <summary>Ask whether to keep or delete the data of every ticked torrent, then remove them.</summary>
    public sealed record AskRemoveChecked : Msg;

    public sealed record OpenSettings : Msg;

    public sealed record CloseSettings : Msg;

    public sealed record EditSetting(SettingField Field, string Text) : Msg;

    public sealed record SaveSettings : Msg;

    public sealed record SettingsLoaded(EngineSettings Settings) : Msg;

    public sealed record SettingsSaved(EngineSettings Settings) : Msg;

    public sealed record SettingsFailed(string Error) : Msg;

    /// <summary>The selected torrent's upload (<paramref name="Upload"/>) or download limit field was edited.</summary>
    public sealed record EditTorrentLimit(bool Upload, string Text) : Msg;

    public sealed record ApplyTorrentLimits : Msg;

    // --- engine events (from the torrents' event streams)

    public sealed record PieceVerified(string Hash, int Piece) : Msg;

    public sealed record Completed(string Hash) : Msg;

    public sealed record Failed(string Hash, string Reason) : Msg;

    public sealed record PeerConnected(string Hash, string Address, string? Client) : Msg
    {
        /// <summary>How we came to know the peer (as <see cref="PeerRow.Source"/>).</summary>
        public string Source { get; init; } = "";
    }

    public sealed record PeerDropped(string Hash, string Address) : Msg;

    public sealed record StateChanged(string Hash, string State) : Msg;

    public sealed record MetadataReceived(string Hash, string Name) : Msg;
}
