using System.Net;
using System.Net.Sockets;
using Engine.Core.Encryption;
using Engine.Core.Primitives;

namespace Engine.Transports;

/// <summary>
/// Dials through another dialer (TCP) and encrypts, offering what the policy says (RC4 only when encryption is required,
/// which fails when the peer will not); with <see cref="MsePolicy.DialFallback"/> a handshake that fails (the peer closed
/// it or does not speak MSE) is followed by a plain dial.
/// </summary>
internal sealed class MseDialer(IPeerDialer inner, InfoHash skey, MsePolicy policy) : IPeerDialer
{
    /// <summary>The dialer a torrent's connections use: plain TCP unless the policy dials encrypted.</summary>
    public static IPeerDialer For(MsePolicy policy, InfoHash skey, IPeerDialer? inner = null) =>
        policy.DialOffer != MseCrypto.None ? new MseDialer(inner ?? TcpDialer.Instance, skey, policy) : inner ?? TcpDialer.Instance;

    public async Task<IPeerTransport> ConnectAsync(IPEndPoint remote, CancellationToken ct)
    {
        var transport = await inner.ConnectAsync(remote, ct).ConfigureAwait(false);
        try
        {
            return await MseHandshakes.InitiateAsync(transport, skey, policy.DialOffer, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (policy.DialFallback && !ct.IsCancellationRequested && e is MseException or IOException or SocketException or OperationCanceledException)
        {
            transport.Dispose();
            return await inner.ConnectAsync(remote, ct).ConfigureAwait(false);
        }
        catch (MseException e)
        {
            transport.Dispose();
            throw new IOException("encryption handshake failed: " + e.Message, e);
        }
        catch
        {
            transport.Dispose();
            throw;
        }
    }
}
