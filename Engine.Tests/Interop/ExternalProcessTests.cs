namespace Engine.Tests.Interop;

public sealed class ExternalProcessTests
{
    private static ProcessSpec Shell(string script, TimeSpan? lifetime = null) =>
        new("/bin/sh", ["-c", script]) { Name = "sh", MaxLifetime = lifetime ?? TimeSpan.FromMinutes(1) };

    [Fact]
    public async Task Output_lines_from_stdout_and_stderr_are_kept_up_to_the_capacity()
    {
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var p = ExternalProcess.Start(
            Shell("i=0; while [ $i -lt 500 ]; do i=$((i+1)); echo line$i; done; printf 'cr1\\rcr2\\n'; echo oops >&2") with { LogCapacity = 50 },
            seen.Enqueue);

        Assert.Equal(0, await p.WaitForExitAsync(TimeSpan.FromSeconds(20)));

        // Every line reaches the callback; stdout and stderr are read independently, so only their own order is kept.
        Assert.Equal(503, seen.Count);
        Assert.Contains("[err] oops", seen);
        Assert.Equal(["cr1", "cr2"], seen.Where(l => l.StartsWith("cr", StringComparison.Ordinal)));
        // The log keeps the last 50.
        var lines = p.LogLines();
        Assert.Equal(50, lines.Length);
        Assert.Contains("cr2", lines);
        Assert.DoesNotContain("line1", lines);
        Assert.Contains("453 earlier lines dropped", p.LogTail);
    }

    [Fact]
    public async Task Dispose_kills_the_whole_tree_that_was_started()
    {
        var childPid = new TaskCompletionSource<int>();
        var p = ExternalProcess.Start(Shell("sleep 300 & echo child=$!; wait"), line =>
        {
            if (line.StartsWith("child=", StringComparison.Ordinal)) childPid.TrySetResult(int.Parse(line[6..]));
        });
        var child = await childPid.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(IsAlive(child));

        await p.DisposeAsync();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (IsAlive(child) && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.False(IsAlive(child), $"grandchild {child} survived");
        Assert.True(p.HasExited);
    }

    [Fact]
    public async Task Waiting_too_long_throws_a_timeout_that_carries_the_log()
    {
        await using var p = ExternalProcess.Start(Shell("echo hello-from-child; sleep 30"));
        var e = await Assert.ThrowsAsync<TimeoutException>(() => p.WaitForExitAsync(TimeSpan.FromMilliseconds(500)));
        Assert.Contains("hello-from-child", e.Message);
        Assert.Contains("still running", e.Message);
    }

    [Fact]
    public async Task The_lifetime_bound_kills_a_program_that_runs_too_long()
    {
        await using var p = ExternalProcess.Start(Shell("sleep 60", lifetime: TimeSpan.FromSeconds(1)));
        var code = await p.WaitForExitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(124, code); // timeout(1)'s exit code when the bound was hit
    }

    [Fact]
    public async Task Stop_sends_sigterm_first_and_signals_reach_the_program_not_the_wrapper()
    {
        await using var p = ExternalProcess.Start(Shell(
            "trap 'echo got-hup' HUP; trap 'echo got-term; exit 3' TERM; echo ready; while true; do sleep 0.05; done"));
        await WaitForLine(p, "ready");
        Assert.NotEqual(p.Pid, p.ProgramPid);

        await p.SignalAsync(ExternalProcess.SigHup);
        await WaitForLine(p, "got-hup");
        Assert.False(p.HasExited);

        await p.StopAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, await p.Exited);
        Assert.Contains("got-term", p.LogLines());
    }

    [Fact]
    public void A_missing_program_names_the_package_to_install()
    {
        var e = Assert.Throws<MissingProgramException>(() => RequiredPrograms.Find("surely-not-installed-xyz", "fancy-package"));
        Assert.Contains("apt-get install fancy-package", e.Message);
    }

    [Fact]
    public void The_real_programs_are_installed()
    {
        foreach (var path in new[] { RequiredPrograms.Aria2c, RequiredPrograms.TransmissionCli, RequiredPrograms.OpenTracker, RequiredPrograms.MkTorrent })
            Assert.True(File.Exists(path), path);
        Assert.StartsWith("2.", RequiredPrograms.LibtorrentVersion);
    }

    [Fact]
    public void Allocated_ports_are_distinct_and_free_for_tcp_and_udp()
    {
        var ports = Enumerable.Range(0, 20).Select(_ => PortAllocator.Next()).ToList();
        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.All(ports, port => Assert.True(PortAllocator.IsFree(port), $"port {port} is taken"));
    }

    private static async Task WaitForLine(ExternalProcess p, string line)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!p.LogLines().Contains(line))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no line '{line}' in time.\n{p.Describe()}");
            await Task.Delay(20);
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state != 'Z' && state != 'X';
        }
        catch (IOException) { return false; }
    }
}
