using System.Collections.Concurrent;
using Engine.Tests.Interop;
using Xunit.Abstractions;

namespace Engine.Tests.Host;

/// <summary>The console host (<c>Engine.Host.dll</c>) as a real process; its output lines are kept and echoed to the test log.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    private static readonly string HostDll = typeof(Engine.Host.Program).Assembly.Location;

    private readonly ExternalProcess _process;
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("host-state-");
    public readonly ConcurrentQueue<string> Lines = new();

    /// <summary>Starts the host with <paramref name="args"/>; its state directory (<c>XDG_STATE_HOME</c>) is a temporary one, <see cref="StateHome"/>.</summary>
    public HostProcess(ITestOutputHelper output, params string[] args) : this(output, null, args)
    {
    }

    /// <summary>Like the first constructor, in the network namespace <paramref name="netNamespace"/> (<see cref="Lab.NetNamespace"/>).</summary>
    public static HostProcess InNamespace(ITestOutputHelper output, string netNamespace, params string[] args) => new(output, null, args, netNamespace);

    /// <summary>Like <see cref="InNamespace"/>, killed after <paramref name="maxLifetime"/> rather than 2 minutes (a long lab story).</summary>
    public static HostProcess InNamespaceFor(ITestOutputHelper output, string netNamespace, TimeSpan maxLifetime, params string[] args) =>
        new(output, null, args, netNamespace, maxLifetime);

    /// <summary>Like the other constructor, with <c>XDG_STATE_HOME</c> at <paramref name="stateHome"/> (shared between runs; the caller deletes it).</summary>
    public static HostProcess WithStateHome(ITestOutputHelper output, string stateHome, params string[] args) => new(output, stateHome, args);

    private HostProcess(ITestOutputHelper output, string? stateHome, string[] args, string? netNamespace = null, TimeSpan? maxLifetime = null)
    {
        StateHome = stateHome ?? _state.FullName;
        _process = ExternalProcess.Start(new ProcessSpec("dotnet", [HostDll, .. args])
        {
            Name = "Engine.Host " + args[0],
            MaxLifetime = maxLifetime ?? TimeSpan.FromMinutes(2),
            Environment = new Dictionary<string, string?> { ["XDG_STATE_HOME"] = StateHome },
            NetNamespace = netNamespace,
        }, line =>
        {
            Lines.Enqueue(line);
            try { output.WriteLine(line); } catch (InvalidOperationException) { }
        });
    }

    public ExternalProcess Process => _process;

    /// <summary>The process's <c>XDG_STATE_HOME</c>: its state is under <c>engine-host/</c> there.</summary>
    public string StateHome { get; }

    public async Task<string> WaitForLineAsync(string contains, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var hit = Lines.FirstOrDefault(l => l.Contains(contains, StringComparison.Ordinal));
            if (hit is not null) return hit;
            if (_process.HasExited) break;
            await Task.Delay(50);
        }
        throw new TimeoutException($"no line with '{contains}' within {timeout}\n{_process.Describe()}");
    }

    public async Task<int> ExitCodeAsync(TimeSpan timeout) => await _process.WaitForExitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try { _state.Delete(recursive: true); } catch (IOException) { }
    }
}
