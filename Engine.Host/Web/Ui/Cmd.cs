using System.Collections.Immutable;

namespace Engine.Host.Web.Ui;

/// <summary>
/// Work that <see cref="Update.Apply"/> asks for: a description, not an action. The runtime executes it against the
/// engine and dispatches the outcome as a <see cref="Msg"/>.
/// </summary>
public abstract record Cmd
{
    private Cmd() { }

    public static Cmd None { get; } = new NoneCmd();

    /// <summary>Several commands at once (no order is promised); <see cref="None"/>s are left out.</summary>
    public static Cmd Batch(params Cmd[] cmds)
    {
        var list = ImmutableList.CreateBuilder<Cmd>();
        foreach (var c in cmds)
        {
            if (c is BatchCmd b) list.AddRange(b.Cmds);
            else if (c is not NoneCmd) list.Add(c);
        }
        return list.Count switch
        {
            0 => None,
            1 => list[0],
            _ => new BatchCmd(list.ToImmutable()),
        };
    }

    public sealed record NoneCmd : Cmd;

    public sealed record BatchCmd(ImmutableList<Cmd> Cmds) : Cmd
    {
        public bool Equals(BatchCmd? other) => other is not null && Cmds.SequenceEqual(other.Cmds);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            foreach (var c in Cmds) hash.Add(c);
            return hash.ToHashCode();
        }
    }

    /// <summary>Read every torrent's status → <see cref="Msg.TorrentsLoaded"/> or <see cref="Msg.TorrentsLoadFailed"/>.</summary>
    public sealed record LoadTorrents : Cmd;

    /// <summary>Read the cluster's members and torrents (a cluster node only) → <see cref="Msg.ClusterLoaded"/> or <see cref="Msg.ClusterLoadFailed"/>.</summary>
    public sealed record LoadCluster : Cmd;

    /// <summary>Read files, peers, trackers and pieces → <see cref="Msg.DetailsLoaded"/> or <see cref="Msg.DetailsLoadFailed"/>.</summary>
    public sealed record LoadDetails(string Hash) : Cmd;

    /// <summary>Add a torrent → <see cref="Msg.TorrentAdded"/> or <see cref="Msg.AddFailed"/>.</summary>
    public sealed record AddTorrent(AddRequest Request) : Cmd;

    /// <summary>Pause or resume → <see cref="Msg.ActionSucceeded"/> or <see cref="Msg.ActionFailed"/>.</summary>
    public sealed record Pause(string Hash) : Cmd;

    /// <summary>Change a file's priority (skip, low, normal, high) → <see cref="Msg.ActionSucceeded"/> (<see cref="TorrentAction.SetFilePriority"/>) or <see cref="Msg.ActionFailed"/>.</summary>
    public sealed record SetFilePriority(string Hash, int Index, string Priority) : Cmd;

    public sealed record Resume(string Hash) : Cmd;

    /// <summary>Read the engine-wide settings → <see cref="Msg.SettingsLoaded"/> or <see cref="Msg.SettingsFailed"/>.</summary>
    public sealed record LoadSettings : Cmd;

    /// <summary>Change the engine's limits and the default save directory → <see cref="Msg.SettingsSaved"/> or <see cref="Msg.SettingsFailed"/>.</summary>
    public sealed record SaveSettings(long? UploadLimit, long? DownloadLimit, string DefaultSaveDirectory) : Cmd;

    /// <summary>Change one torrent's own limits → <see cref="Msg.ActionSucceeded"/> (<see cref="TorrentAction.SetLimits"/>) or <see cref="Msg.ActionFailed"/>.</summary>
    public sealed record SetTorrentLimits(string Hash, long? UploadLimit, long? DownloadLimit) : Cmd;

    /// <summary>Remove (and maybe delete the data) → <see cref="Msg.TorrentRemoved"/> or <see cref="Msg.ActionFailed"/>.</summary>
    public sealed record Remove(string Hash, bool DeleteData) : Cmd;
}
