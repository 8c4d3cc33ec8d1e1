using System.Buffers;
using System.Net;
using Engine.Core.Encryption;

namespace Engine.Transports;

/// <summary>
/// A transport after an MSE handshake: the bytes that came inside and with the handshake's end (the initiator's IA —
/// usually its BitTorrent handshake — then what followed) are handed out first, then what
/// arrives is decrypted in place; what is sent is copied into a pooled buffer and encrypted there (the caller's buffers
/// may be shared, so they are never changed). With plaintext selected the ciphers are null and only the leftover differs.
/// </summary>
internal sealed class EncryptedTransport(IPeerTransport inner, MseResult mse) : IPeerTransport
{
    /// <summary>The transport underneath (TCP or uTP).</summary>
    public IPeerTransport Inner => inner;

    private readonly Rc4? _decrypt = mse.Decrypt;
    private readonly Rc4? _encrypt = mse.Encrypt;
    private ReadOnlyMemory<byte> _pending = mse.InitialPayload.Length == 0 ? mse.Leftover : [.. mse.InitialPayload, .. mse.Leftover];

    public IPEndPoint Remote => inner.Remote;

    /// <summary>The cipher the handshake chose.</summary>
    public MseCrypto Cipher { get; } = mse.Selected;

    public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken ct)
    {
        if (!_pending.IsEmpty)
        {
            var n = Math.Min(buffer.Length, _pending.Length);
            _pending.Span[..n].CopyTo(buffer.Span);
            _pending = _pending[n..];
            return n;
        }
        var read = await inner.ReceiveAsync(buffer, ct).ConfigureAwait(false);
        _decrypt?.Apply(buffer.Span[..read]);
        return read;
    }

    public async ValueTask SendAsync(IList<ArraySegment<byte>> segments, CancellationToken ct)
    {
        if (_encrypt is null)
        {
            await inner.SendAsync(segments, ct).ConfigureAwait(false);
            return;
        }
        var total = 0;
        foreach (var s in segments) total += s.Count;
        var scratch = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            var at = 0;
            foreach (var s in segments)
            {
                s.AsSpan().CopyTo(scratch.AsSpan(at));
                at += s.Count;
            }
            _encrypt.Apply(scratch.AsSpan(0, total));
            await inner.SendAsync([new ArraySegment<byte>(scratch, 0, total)], ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    public void Shutdown() => inner.Shutdown();

    public void Dispose() => inner.Dispose();

    public override string ToString() => $"{inner} ({(Cipher == MseCrypto.Rc4 ? "rc4" : "mse plaintext")})";
}
