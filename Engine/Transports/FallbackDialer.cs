using System.Net;
using System.Net.Sockets;

namespace Engine.Transports;

/// <summary>Dials with <paramref name="first"/>, and with <paramref name="second"/> when that fails (not when the caller gave up); the error names both.</summary>
internal sealed class FallbackDialer(IPeerDialer first, IPeerDialer second) : IPeerDialer
{
    public async Task<IPeerTransport> ConnectAsync(IPEndPoint remote, CancellationToken ct)
    {
        try
        {
            return await first.ConnectAsync(remote, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is IOException or SocketException or OperationCanceledException)
        {
            try
            {
                return await second.ConnectAsync(remote, ct).ConfigureAwait(false);
            }
            catch (Exception e2) when (e2 is IOException or SocketException)
            {
                throw new IOException($"{e.Message}; then {e2.Message}", e2);
            }
        }
    }
}
