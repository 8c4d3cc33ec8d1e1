using System.Net;
using Engine.Transports;

namespace Engine.Utp;

/// <summary>Dials peers over uTP, through the engine's multiplexer; a <paramref name="punching"/> dialer's connects are hole punches (BEP 55).</summary>
internal sealed class UtpDialer(UtpMultiplexer mux, bool punching = false) : IPeerDialer
{
    public async Task<IPeerTransport> ConnectAsync(IPEndPoint remote, CancellationToken ct) =>
        await mux.ConnectAsync(remote, ct, punching).ConfigureAwait(false);
}
