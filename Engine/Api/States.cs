namespace Engine.Api;

/// <summary>Maps the actors' torrent states (and start-up checks) onto the public <see cref="TorrentState"/> (and <see cref="StartupReport"/>).</summary>
internal static class States
{
    public static TorrentState ToApi(Torrents.TorrentState state) => state switch
    {
        Torrents.TorrentState.FetchingMetadata => TorrentState.FetchingMetadata,
        Torrents.TorrentState.Checking => TorrentState.Checking,
        Torrents.TorrentState.Downloading => TorrentState.Downloading,
        Torrents.TorrentState.Seeding => TorrentState.Seeding,
        Torrents.TorrentState.Paused => TorrentState.Paused,
        Torrents.TorrentState.Stopping => TorrentState.Stopping,
        Torrents.TorrentState.Stopped => TorrentState.Stopped,
        _ => TorrentState.Error,
    };

    public static StartupReport ToApi(Torrents.StartupCheck check) => new(check.VerifiedPieces, check.Source switch
    {
        Storage.StartupSource.ResumeRecord => StartupSource.ResumeRecord,
        Storage.StartupSource.HashCheck => StartupSource.HashCheck,
        _ => StartupSource.NoData,
    });
}
