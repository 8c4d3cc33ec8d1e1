using System.Net;
using Engine.Transports;

namespace Engine.Utp;

/// <summary>Dials peers over uTP, through the engine's multiplexer.</summary>
internal sealed class UtpDialer(UtpMultiplexer mux) : IPeerDialer
{
    public async Task<IPeerTransport> ConnectAsync(IPEndPoint remote, CancellationToken ct) =>
        await mux.ConnectAsync(remote, ct).ConfigureAwait(false);
}
