using System.Net;
using Engine.Host.Cli;
using Engine.Host.Commands;
using Engine.Host.State;

namespace Engine.Tests.Host;

using TrackerServer = global::Engine.TrackerServer.TrackerServer;

/// <summary><c>share</c> and <c>fetch</c> run in-process against our tracker on 127.0.0.1.</summary>
public sealed class ShareCommandTests : IAsyncLifetime
{
    private readonly TrackerServer _tracker = new();
    private readonly string _root = Directory.CreateTempSubdirectory("share-cmd-").FullName;

    public Task InitializeAsync() => _tracker.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), new IPEndPoint(IPAddress.Loopback, 0));

    public async Task DisposeAsync()
    {
        await _tracker.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private string Dir(string name) => Directory.CreateDirectory(Path.Combine(_root, name)).FullName;

    private static string Fails(bool fetch, params string[] args) =>
        Assert.ThrowsAny<CommandLineException>(() => ShareArguments.Parse(args, fetch)).Message;

    [Fact]
    public void Bad_command_lines_are_refused_with_the_reason()
    {
        Assert.Contains("Option '--tracker' is required", Fails(false, "dir"));
        Assert.Contains("Required argument 'dir' missing", Fails(false, "--tracker", "http://127.0.0.1:1/announce"));
        Assert.Contains("at least one http(s) --tracker", Fails(false, "dir", "--tracker", "udp://127.0.0.1:1/announce"));
        Assert.Contains("is not an http(s):// or udp:// URL", Fails(false, "dir", "--tracker", "wss://x/announce"));
        Assert.Contains("Option '--into' is required", Fails(true, "name", "--tracker", "http://127.0.0.1:1"));
        Assert.Contains("Unrecognized command or argument '--once'", Fails(false, "dir", "--tracker", "http://127.0.0.1:1", "--once"));
        Assert.Contains("Unrecognized command or argument '--follow'", Fails(true, "x", "--tracker", "http://127.0.0.1:1", "--into", "d", "--follow"));
        Assert.Contains("Unrecognized command or argument '--ratio'", Fails(false, "dir", "--tracker", "http://127.0.0.1:1", "--ratio", "2"));
        Assert.Contains("--port: 'x' is not a port", Fails(false, "dir", "--tracker", "http://127.0.0.1:1", "--port", "x"));

        var a = ShareArguments.Parse(["d", "-t", "http://127.0.0.1:6969", "--tracker", "udp://127.0.0.1:6969", "--follow", "--quiet-period", "500ms", "--max-upload", "100k"], fetch: false);
        Assert.Equal(["http://127.0.0.1:6969/announce", "udp://127.0.0.1:6969"], a.Trackers);
        Assert.Equal((true, TimeSpan.FromSeconds(0.5), (long?)102400), (a.Follow, a.QuietPeriod, a.Transfer.UploadLimit));
    }

    [Fact]
    public async Task Share_publishes_a_file_and_fetch_once_downloads_it_byte_identical()
    {
        var dirA = Dir("a");
        var content = new byte[1_234_567];
        new Random(9).NextBytes(content);
        await File.WriteAllBytesAsync(Path.Combine(dirA, "report.pdf"), content);
        var outA = new LockedWriter();
        using var stopA = new CancellationTokenSource();
        var shareTask = Task.Run(() => ShareCommand.RunAsync(Share(dirA, "--tracker", _tracker.HttpAnnounceUrl!, "--tracker", _tracker.UdpAnnounceUrl!,
            "--bind", "127.0.0.1", "--port", "0", "--quiet-period", "200ms"), outA, stopA.Token));
        await outA.WaitForAsync("shared: report.pdf", TimeSpan.FromSeconds(20), shareTask);
        Assert.Contains("— published", outA.Text);
        Assert.Contains($"catalog: http://{_tracker.HttpEndPoint}/catalog", outA.Text);

        var dirB = Dir("b");
        var outB = new LockedWriter();
        var code = await FetchCommand.RunAsync(Fetch("report.pdf", "--tracker", $"http://{_tracker.HttpEndPoint}", "--into", dirB, "--once",
            "--bind", "127.0.0.1", "--port", "0", "--status-interval", "200ms"), Console(outB), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(25));
        Assert.Equal(0, code);
        Assert.Contains("fetching: report.pdf (1.2 MiB)", outB.Text);
        Assert.Contains("fetched: report.pdf", outB.Text);
        Assert.Contains("done: " + Path.Combine(dirB, "report.pdf"), outB.Text);
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(dirB, "report.pdf")));

        // Asked again, the directory already has it.
        var again = new LockedWriter();
        Assert.Equal(0, await FetchCommand.RunAsync(Fetch("report.pdf", "--tracker", _tracker.HttpAnnounceUrl!, "--into", dirB, "--once",
            "--bind", "127.0.0.1", "--port", "0"), Console(again), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("already here: report.pdf", again.Text);

        var missing = await Assert.ThrowsAsync<CommandLineException>(() => FetchCommand.RunAsync(Fetch("nothing.txt", "--tracker", _tracker.HttpAnnounceUrl!,
            "--into", Dir("c"), "--once", "--bind", "127.0.0.1", "--port", "0"), Console(new LockedWriter()), CancellationToken.None));
        Assert.Equal("cannot fetch 'nothing.txt': no torrent named 'nothing.txt' in the catalog", missing.Message);

        await stopA.CancelAsync();
        Assert.Equal(0, await shareTask.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("stopped sharing " + dirA, outA.Text);
        // The share's state is in the host's state directory, not in the shared directory.
        Assert.False(Directory.Exists(Path.Combine(dirA, ".share-state")));
        Assert.Equal(["report.pdf"], Directory.GetFileSystemEntries(dirB).Select(Path.GetFileName));
        Assert.True(File.Exists(Path.Combine(new HostState(Path.Combine(_root, "state")).ShareDirectory(dirA), "index.json")));
    }

    private string[] State() => ["--state-dir", Path.Combine(_root, "state")];

    private ShareArguments Share(params string[] args) => ShareArguments.Parse([.. args, .. State()], fetch: false);

    private ShareArguments Fetch(params string[] args) => ShareArguments.Parse([.. args, .. State()], fetch: true);

    private static HostConsole Console(StringWriter output) => new(output, output, interactive: false, width: 80);

    /// <summary>A StringWriter safe to write from the command and read from the test.</summary>
    private sealed class LockedWriter : StringWriter
    {
        public string Text
        {
            get { lock (this) return ToString(); }
        }

        public override void Write(char value) { lock (this) base.Write(value); }
        public override void Write(string? value) { lock (this) base.Write(value); }
        public override void WriteLine(string? value) { lock (this) base.WriteLine(value); }

        public async Task WaitForAsync(string text, TimeSpan timeout, Task command)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!Text.Contains(text, StringComparison.Ordinal))
            {
                if (command.IsCompleted) await command; // surfaces its exception
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"no '{text}' within {timeout}; output:\n{Text}");
                await Task.Delay(50);
            }
        }
    }
}
