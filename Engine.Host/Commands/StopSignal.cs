using System.Runtime.InteropServices;

namespace Engine.Host.Commands;

/// <summary>Ctrl+C (SIGINT) and SIGTERM as a cancellation token, for the lifetime of one command.</summary>
public sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly ConsoleCancelEventHandler _onCancel;
    private readonly PosixSignalRegistration _sigterm;

    public StopSignal()
    {
        _onCancel = (_, e) =>
        {
            e.Cancel = true;
            _cts.Cancel();
        };
        Console.CancelKeyPress += _onCancel;
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            _cts.Cancel();
        });
    }

    public CancellationToken Token => _cts.Token;

    public bool Requested => _cts.IsCancellationRequested;

    /// <summary>Waits <paramref name="delay"/>; false when a stop was requested meanwhile.</summary>
    public async Task<bool> DelayAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _cts.Token);
            return true;
        }
        catch (OperationCanceledException) { return false; }
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= _onCancel;
        _sigterm.Dispose();
        _cts.Dispose();
    }
}
