namespace Engine.Transports;

/// <summary>Reading a fixed number of bytes (a handshake) off a transport.</summary>
internal static class TransportReads
{
    /// <summary>Fills <paramref name="buffer"/>; false when the peer closed first.</summary>
    public static async ValueTask<bool> ReceiveExactlyAsync(this IPeerTransport transport, Memory<byte> buffer, CancellationToken ct)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var n = await transport.ReceiveAsync(buffer[filled..], ct).ConfigureAwait(false);
            if (n == 0) return false;
            filled += n;
        }
        return true;
    }
}
