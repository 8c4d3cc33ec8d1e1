using System.Security.Cryptography;
using Engine.Core.Encryption;
using Engine.Core.Primitives;

namespace Engine.Transports;

/// <summary>
/// Runs an MSE/PE handshake (the pure <see cref="MseInitiator"/> or <see cref="MseResponder"/>) over a transport: keys
/// and padding from the system's cryptographic generator, each side's bytes sent as the machine gives them, at most
/// <see cref="Bound"/> for the whole exchange (a peer that stalls mid-handshake is dropped). A peer that closes, sends
/// garbage or fails a check throws (<see cref="IOException"/>, <see cref="MseException"/>); the caller disposes the transport.
/// </summary>
internal static class MseHandshakes
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static async Task<EncryptedTransport> InitiateAsync(IPeerTransport transport, InfoHash skey, MseCrypto provide, CancellationToken ct)
    {
        var a = new MseInitiator(skey, RandomNumberGenerator.GetBytes(20), Padding(), provide);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bound.CancelAfter(Bound);
        await SendAsync(transport, a.Start(), bound.Token).ConfigureAwait(false);
        var buffer = new byte[1024];
        while (a.Result is null)
        {
            var reply = a.Receive(buffer.AsSpan(0, await ReceiveAsync(transport, buffer, bound.Token).ConfigureAwait(false)));
            if (reply.Length > 0) await SendAsync(transport, reply, bound.Token).ConfigureAwait(false);
        }
        return new EncryptedTransport(transport, a.Result);
    }

    /// <param name="first">What the peer sent before we knew it was MSE (the start of its key).</param>
    public static async Task<EncryptedTransport> RespondAsync(IPeerTransport transport, ReadOnlyMemory<byte> first, Func<byte[], InfoHash?> findTorrent,
        MseCrypto allowed, CancellationToken ct)
    {
        var b = new MseResponder(findTorrent, RandomNumberGenerator.GetBytes(20), Padding(), allowed);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bound.CancelAfter(Bound);
        var reply = b.Receive(first.Span);
        var buffer = new byte[1024];
        while (true)
        {
            if (reply.Length > 0) await SendAsync(transport, reply, bound.Token).ConfigureAwait(false);
            if (b.Result is { } result) return new EncryptedTransport(transport, result);
            reply = b.Receive(buffer.AsSpan(0, await ReceiveAsync(transport, buffer, bound.Token).ConfigureAwait(false)));
        }
    }

    /// <summary>0 to 512 random bytes, as the specification asks of PadA and PadB.</summary>
    private static byte[] Padding() => RandomNumberGenerator.GetBytes(RandomNumberGenerator.GetInt32(0, 513));

    private static async ValueTask<int> ReceiveAsync(IPeerTransport transport, byte[] buffer, CancellationToken ct)
    {
        var n = await transport.ReceiveAsync(buffer, ct).ConfigureAwait(false);
        return n > 0 ? n : throw new IOException("the peer closed the connection during the encryption handshake");
    }

    private static ValueTask SendAsync(IPeerTransport transport, byte[] bytes, CancellationToken ct) =>
        transport.SendAsync([new ArraySegment<byte>(bytes)], ct);
}
