using System.Net;

namespace Engine.Transports;

/// <summary>Opens a transport to a peer (a TCP connect today; a uTP connect or an encryption handshake later).</summary>
internal interface IPeerDialer
{
    /// <summary>Connects, or throws (a socket error, or <see cref="OperationCanceledException"/> when <paramref name="ct"/> ends first).</summary>
    Task<IPeerTransport> ConnectAsync(IPEndPoint remote, CancellationToken ct);
}
