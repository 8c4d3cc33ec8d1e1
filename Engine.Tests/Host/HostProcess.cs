using System.Collections.Concurrent;
using Engine.Tests.Interop;
using Xunit.Abstractions;

namespace Engine.Tests.Host;

/// <summary>The console host (<c>Engine.Host.dll</c>) as a real process; its output lines are kept and echoed to the test log.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    private static readonly string HostDll = typeof(Engine.Host.Program).Assembly.Location;

    private readonly ExternalProcess _process;
    public readonly ConcurrentQueue<string> Lines = new();

    public HostProcess(ITestOutputHelper output, params string[] args)
    {
        _process = ExternalProcess.Start(new ProcessSpec("dotnet", [HostDll, .. args])
        {
            Name = "Engine.Host " + args[0],
            MaxLifetime = TimeSpan.FromMinutes(2),
        }, line =>
        {
            Lines.Enqueue(line);
            try { output.WriteLine(line); } catch (InvalidOperationException) { }
        });
    }

    public ExternalProcess Process => _process;

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

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
