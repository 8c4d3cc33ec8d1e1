namespace Engine.Host.Web.Ui;

/// <summary>What the page calls the engine's states (the REST API keeps the engine's names).</summary>
public static class StateLabels
{
    public static string Of(string state) => state switch
    {
        TorrentRow.States.FetchingMetadata => "Fetching metadata",
        TorrentRow.States.Checking => "Checking files",
        TorrentRow.States.Downloading => "Downloading",
        TorrentRow.States.Seeding => "Seeding",
        TorrentRow.States.Paused => "Paused",
        "Stopping" => "Stopping",
        TorrentRow.States.Stopped => "Stopped",
        TorrentRow.States.Error => "Error",
        _ => state,
    };
}
