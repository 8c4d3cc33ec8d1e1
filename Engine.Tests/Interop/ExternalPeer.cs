namespace Engine.Tests.Interop;

/// <summary>
/// Common shape of a real BitTorrent program run by a test: one torrent, one 127.0.0.1 TCP port, milestones
/// (listening, seeding, completed) that the wrapper sets from the program's output, and waits that fail with the
/// program's log instead of hanging. Disposing kills the process tree we started.
/// </summary>
public abstract class ExternalPeer : IAsyncDisposable, IDisposable
{
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _seeding = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ExternalProcess? _process;
    private volatile string _progressText = "no progress reported yet";

    protected ExternalPeer(string program, TestTorrent torrent, string saveDir, int port, bool seeding)
    {
        Program = program;
        Torrent = torrent;
        SaveDir = Path.GetFullPath(saveDir);
        Port = port;
        StartedAsSeeder = seeding;
    }

    /// <summary>"libtorrent", "aria2c" or "transmission-cli".</summary>
    public string Program { get; }
    public TestTorrent Torrent { get; }

    /// <summary>The directory the torrent's content is saved in (multi-file data lands in SaveDir/Torrent.Name).</summary>
    public string SaveDir { get; }

    public string DataPath => Path.Combine(SaveDir, Torrent.Name);
    public int Port { get; }
    public bool StartedAsSeeder { get; }
    public string Name => $"{Program}:{Port} ({(StartedAsSeeder ? "seed" : "leech")})";

    public ExternalProcess Process => _process ?? throw new InvalidOperationException($"{Name} was not started");

    /// <summary>Latest progress as the program reported it (fraction 0..1, or -1 before the first report).</summary>
    public double Progress { get; private set; } = -1;

    public string ProgressText => _progressText;

    /// <summary>Waits until the program listens on its port.</summary>
    public Task WaitUntilListeningAsync(TimeSpan timeout) => WaitForAsync(_listening.Task, "listening", timeout);

    /// <summary>Waits until the program has checked its data and is seeding (a leecher: has completed and seeds on).</summary>
    public Task WaitUntilSeedingAsync(TimeSpan timeout) => WaitForAsync(_seeding.Task, "seeding", timeout);

    /// <summary>
    /// Waits until the download is complete and the data is on disk (a leecher that does not keep seeding
    /// has exited with code 0 by then).
    /// </summary>
    public virtual Task WaitForCompletionAsync(TimeSpan timeout) => WaitForAsync(_completed.Task, "completion", timeout);

    /// <summary>Stops the program politely (stdin closed, SIGTERM), then kills it after <paramref name="grace"/>.</summary>
    public Task StopAsync(TimeSpan? grace = null) => _process?.StopAsync(grace ?? TimeSpan.FromSeconds(5)) ?? Task.CompletedTask;

    public string Describe() => _process?.Describe() ?? $"{Name}: not started";

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync().ConfigureAwait(false);
        await DisposeExtrasAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    protected void Start(ProcessSpec spec) => _process = ExternalProcess.Start(spec, OnLine);

    /// <summary>Called for every line the program prints (stderr lines start with "[err] "), on a pool thread.</summary>
    protected abstract void OnLine(string line);

    protected virtual ValueTask DisposeExtrasAsync() => ValueTask.CompletedTask;

    protected void MarkListening() => _listening.TrySetResult();

    /// <summary>
    /// For programs that print nothing when they listen: connects to 127.0.0.1:Port until it is accepted (the probe
    /// connection is closed at once), then marks the peer listening. Fails early if the program exits.
    /// </summary>
    protected async Task ProbeListeningAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Process.HasExited && DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, Port).ConfigureAwait(false);
                MarkListening();
                return;
            }
            catch (System.Net.Sockets.SocketException) { }
            await Task.Delay(50).ConfigureAwait(false);
        }
        await WaitUntilListeningAsync(TimeSpan.Zero).ConfigureAwait(false); // throws with the reason and the log
    }
    /// <summary>
    /// Starts a program on a port of its own, again on another port (three tries in all) when it does not get ready:
    /// a free port can be taken between the pick and the program's bind. <paramref name="port"/>: that port, one try.
    /// </summary>
    protected static async Task<TPeer> StartOnFreePortAsync<TPeer>(string program, int? port, Func<int, TPeer> start, Func<TPeer, Task> ready)
        where TPeer : ExternalPeer
    {
        Exception? last = null;
        for (var attempt = 0; attempt < (port is null ? 3 : 1); attempt++)
        {
            var peer = start(port ?? PortAllocator.Next());
            try
            {
                await ready(peer).ConfigureAwait(false);
                return peer;
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                last = e;
                await peer.DisposeAsync().ConfigureAwait(false);
            }
        }
        throw new InvalidOperationException($"{program} did not start: " + last!.Message, last);
    }

    protected void MarkSeeding() => _seeding.TrySetResult();
    protected void MarkCompleted() => _completed.TrySetResult();

    protected void ReportProgress(double fraction, string text)
    {
        Progress = fraction;
        _progressText = text;
    }

    /// <summary>Fails a milestone: every waiter gets an exception carrying <paramref name="reason"/> and the log.</summary>
    protected void Fail(string reason)
    {
        var e = new InvalidOperationException($"{Name}: {reason}");
        _listening.TrySetException(e);
        _seeding.TrySetException(e);
        _completed.TrySetException(e);
    }

    protected async Task WaitForAsync(Task milestone, string what, TimeSpan timeout)
    {
        var process = Process;
        var finished = await Task.WhenAny(milestone, process.Exited, Task.Delay(timeout)).ConfigureAwait(false);
        if (finished == process.Exited && !milestone.IsCompleted)
            await Task.WhenAny(milestone, Task.Delay(500)).ConfigureAwait(false); // let the last lines be handled
        if (milestone.IsCompletedSuccessfully) return;
        if (milestone.IsFaulted)
            throw new InvalidOperationException($"{milestone.Exception!.InnerException!.Message}\n{process.Describe()}");
        if (process.HasExited)
            throw new InvalidOperationException($"{Name} exited with code {process.Exited.Result} before {what} ({ProgressText}).\n{process.Describe()}");
        throw new TimeoutException($"{Name} did not reach {what} within {timeout.TotalSeconds:0.#} s ({ProgressText}).\n{process.Describe()}");
    }
}
