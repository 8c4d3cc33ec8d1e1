using System.CommandLine;

namespace Engine.Host.Cli;

/// <summary>Options every command takes: <c>--verbose</c>, <c>--config</c>, <c>--state-dir</c>.</summary>
public sealed class GlobalOptions
{
    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "write details: stack traces of errors, debug counters at the end of a download",
        Recursive = true,
    };

    public Option<string?> Config { get; } = new("--config")
    {
        Description = "a JSON file of engine options, the keys of TorrentEngineOptions (ListenOn, UploadLimit, ...), and a TrackerCluster section for tracker; the command line overrides it",
        HelpName = "file",
        Recursive = true,
    };

    public Option<string?> StateDir { get; } = new("--state-dir")
    {
        Description = "where resume records and sessions are kept (default: $XDG_STATE_HOME/engine-host, else ~/.local/state/engine-host)",
        HelpName = "dir",
        Recursive = true,
    };

    public void AddTo(RootCommand root)
    {
        root.Options.Add(Verbose);
        root.Options.Add(Config);
        root.Options.Add(StateDir);
    }

    /// <summary>The configuration file's engine options (defaults without <c>--config</c>) and the host's state directory.</summary>
    public HostSettings Read(ParseResult result) => HostSettings.Load(result.GetValue(Config), result.GetValue(StateDir));
}
