using System.Net;
using Engine.Host.Cli;
using Engine.Host.State;
using Engine.Tests.Interop;

namespace Engine.Tests.Host;

/// <summary>Where the host keeps its state (out of the user's directories), moving what older versions left in them; the <c>--config</c> file.</summary>
public sealed class HostStateTests : IDisposable
{
    private readonly TempDir _dir = new("host-state");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_state_directory_is_under_xdg_state_home_else_local_state_and_keyed_by_directory()
    {
        var given = HostState.Resolve(_dir.Sub("given"));
        Assert.Equal(Path.Combine(_dir.Sub("given"), "resume"), given.ResumeDirectory);
        var previous = Environment.GetEnvironmentVariable(HostState.XdgStateHome);
        try
        {
            Environment.SetEnvironmentVariable(HostState.XdgStateHome, "/srv/state");
            Assert.Equal("/srv/state/engine-host", HostState.Resolve(null).Root);
            Environment.SetEnvironmentVariable(HostState.XdgStateHome, null);
            Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state", "engine-host"), HostState.Resolve(null).Root);
        }
        finally { Environment.SetEnvironmentVariable(HostState.XdgStateHome, previous); }
        // One session per data directory: two directories of the same name do not share one.
        Assert.NotEqual(given.SessionDirectory("/a/downloads"), given.SessionDirectory("/b/downloads"));
        Assert.StartsWith("downloads-", Path.GetFileName(given.SessionDirectory("/a/downloads")));
        Assert.Equal(given.SessionDirectory("/a/downloads"), given.SessionDirectory("/a/downloads/"));
    }

    [Fact]
    public void Resume_state_left_in_a_download_directory_is_moved_to_the_state_directory()
    {
        var data = _dir.Sub("downloads");
        var old = Directory.CreateDirectory(Path.Combine(data, ".resume")).FullName;
        File.WriteAllText(Path.Combine(old, "aa.resume"), "record");
        File.WriteAllText(Path.Combine(old, "bb.torrent"), "metadata");
        var state = HostState.Resolve(_dir.Sub("state"));
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(state.ResumeDirectory).FullName, "bb.torrent"), "newer");

        var notes = StateMigration.MoveAll(data, state.ResumeDirectory, ".resume");
        Assert.Equal([$"moved 1 state file(s) from {old} to {state.ResumeDirectory} (1 left there: newer copies exist)"], notes);
        Assert.Equal("record", File.ReadAllText(Path.Combine(state.ResumeDirectory, "aa.resume")));
        Assert.Equal("newer", File.ReadAllText(Path.Combine(state.ResumeDirectory, "bb.torrent")));
        File.Delete(Path.Combine(old, "bb.torrent"));
        Assert.Empty(StateMigration.MoveAll(data, state.ResumeDirectory, ".resume"));
        Assert.False(Directory.Exists(old)); // emptied: removed
    }

    [Fact]
    public void A_shares_old_state_folder_moves_whole_and_is_left_alone_when_the_new_one_exists()
    {
        var dir = _dir.Sub("shared");
        var old = Path.Combine(dir, ".share-state");
        Directory.CreateDirectory(Path.Combine(old, "torrents"));
        File.WriteAllText(Path.Combine(old, "index.json"), "[]");
        File.WriteAllText(Path.Combine(old, "torrents", "x.torrent"), "t");
        var target = HostState.Resolve(_dir.Sub("state")).ShareDirectory(dir);
        Assert.StartsWith("moved the state in", StateMigration.MoveTree(old, target));
        Assert.True(File.Exists(Path.Combine(target, "torrents", "x.torrent")));
        Assert.False(Directory.Exists(old));
        Directory.CreateDirectory(old);
        Assert.StartsWith("note: ", StateMigration.MoveTree(old, target));
        Assert.True(Directory.Exists(old));
    }

    [Fact]
    public void The_config_file_gives_engine_options_and_the_command_line_overrides_them()
    {
        var config = Path.Combine(_dir, "engine.json");
        File.WriteAllText(config, """
            { "TorrentEngine": { "ListenOn": "127.0.0.1:7000", "UploadLimit": 1048576, "DownloadLimit": "none", "MaxConnectionsPerTorrent": 9, "DiskBudgetBytes": 33554432 } }
            """);
        var fromFile = Engine.Host.Commands.DownloadArguments.Parse("x.torrent", "--config", config).Session;
        var options = fromFile.EngineOptions();
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 7000), options.ListenOn);
        Assert.Equal(1048576, options.UploadLimit);
        Assert.Null(options.DownloadLimit);
        Assert.Equal(9, options.MaxConnectionsPerTorrent);
        Assert.Equal(32L * 1024 * 1024, options.DiskBudgetBytes);

        var overridden = Engine.Host.Commands.DownloadArguments.Parse("x.torrent", "--config", config, "--port", "0", "--bind", "127.0.0.1",
            "--max-upload", "2M", "--max-peers", "3").Session.EngineOptions();
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 0), overridden.ListenOn);
        Assert.Equal(2 * 1024 * 1024, overridden.UploadLimit);
        Assert.Equal(3, overridden.MaxConnectionsPerTorrent);
        Assert.Equal(32L * 1024 * 1024, overridden.DiskBudgetBytes);

        var top = Path.Combine(_dir, "top.json");
        File.WriteAllText(top, """{ "StateDirectory": "/srv/engine-state" }""");
        Assert.Equal("/srv/engine-state/resume", HostSettings.Load(top, null).Engine.StateDirectory);
    }
}
