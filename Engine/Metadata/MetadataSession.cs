using System.Net.Sockets;
using System.Net;
using Engine.Core.Buffers;
using Engine.Core.Extensions;
using Engine.Core.Metadata;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using Engine.Transports;

namespace Engine.Metadata;

/// <summary>
/// Fetches a torrent's metadata from one peer (BEP 9 over BEP 10): connect (through an <see cref="IPeerDialer"/>), handshake with the extension bit,
/// extension handshake announcing <c>ut_metadata</c>, then request the 16 KiB pieces (a few at a time) and check
/// the whole against the info-hashes (SHA-1, and SHA-256 for a magnet with a v2 hash: <see cref="MetadataHashes"/>). Plain async I/O, no actor state; every step is bounded by
/// <see cref="MetadataSettings.SessionTimeout"/>. Requests for our metadata are rejected (we have none yet).
/// </summary>
internal static class MetadataSession
{
    /// <summary>Our id for <c>ut_metadata</c>: the peer sends its metadata messages under it.</summary>
    public const byte OurMetadataId = 3;

    private const int Window = 4;

    /// <summary>Returns the info dictionary's bytes; throws <see cref="MetadataException"/>, <see cref="IOException"/>,
    /// <see cref="SocketException"/> or <see cref="OperationCanceledException"/> (timeout or <paramref name="ct"/>).</summary>
    public static async Task<byte[]> FetchAsync(IPEndPoint remote, InfoHash infoHash, PeerId ourId, int listenPort, MetadataSettings settings, CancellationToken ct)
        => await FetchAsync(TcpDialer.Instance, remote, MetadataHashes.V1(infoHash), ourId, listenPort, settings, ct).ConfigureAwait(false);

    /// <summary>As above, over a connection <paramref name="dialer"/> opens.</summary>
    public static async Task<byte[]> FetchAsync(IPeerDialer dialer, IPEndPoint remote, MetadataHashes hashes, PeerId ourId, int listenPort, MetadataSettings settings, CancellationToken ct)
    {
        var infoHash = hashes.InfoHash;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.SessionTimeout);
        var token = timeout.Token;
        using var transport = await dialer.ConnectAsync(remote, token).ConfigureAwait(false);

        await SendAsync(transport, new Handshake(infoHash, ourId, supportsExtensions: true, supportsFast: false).ToArray(), token).ConfigureAwait(false);
        var theirs = await ReceiveHandshakeAsync(transport, token).ConfigureAwait(false);
        if (theirs.InfoHash != infoHash) throw new MetadataException($"{remote} answered for another torrent ({theirs.InfoHash})");
        if (theirs.PeerId.Equals(ourId)) throw new MetadataException($"{remote} is ourselves");
        if (!theirs.SupportsExtensions) throw new MetadataException($"{remote} does not support the extension protocol (BEP 10)");
        var hello = new ExtensionHandshake(new Dictionary<string, int> { [MetadataCodec.ExtensionName] = OurMetadataId },
            ListenPort: listenPort > 0 ? listenPort : null, Client: "Engine/0.1");
        await SendAsync(transport, MessageWriter.Encode(new Extended(0, hello.Encode())), token).ConfigureAwait(false);

        using var decoder = new FrameDecoder(new BlockPool(4), settings.MaxMessageLength);
        var buffer = new byte[64 * 1024];
        var messages = new List<PeerMessage>();
        MetadataAssembler? assembler = null;
        byte theirId = 0;
        var outstanding = 0;
        while (true)
        {
            var n = await transport.ReceiveAsync(buffer, token).ConfigureAwait(false);
            if (n == 0) throw new IOException($"{remote} closed the connection" + (assembler is null ? " before its extension handshake" : $" after {assembler.ReceivedPieces} of {assembler.PieceCount} metadata pieces"));
            var violation = decoder.Feed(buffer.AsSpan(0, n), messages);
            try
            {
                if (violation is not null) throw new MetadataException($"{remote} sent a bad frame: {violation}");
                foreach (var message in messages)
                {
                    if (message is not Extended ext) continue;
                    if (ext.ExtendedId == 0)
                    {
                        if (assembler is not null) continue; // a repeated handshake changes nothing we rely on
                        var hs = ExtensionHandshake.Decode(ext.Payload);
                        theirId = (byte)(hs.IdOf(MetadataCodec.ExtensionName)
                            ?? throw new MetadataException($"{remote} does not offer ut_metadata (BEP 9)"));
                        var size = hs.MetadataSize ?? throw new MetadataException($"{remote} did not say its metadata_size");
                        assembler = new MetadataAssembler(hashes, size);
                    }
                    else if (ext.ExtendedId == OurMetadataId)
                    {
                        var m = MetadataCodec.Decode(ext.Payload);
                        switch (m.Type)
                        {
                            case MetadataMessageType.Request:
                                await SendAsync(transport, MessageWriter.Encode(new Extended(theirId, MetadataCodec.EncodeReject(m.Piece))), token).ConfigureAwait(false);
                                continue;
                            case MetadataMessageType.Reject:
                                throw new MetadataException($"{remote} rejected metadata piece {m.Piece}");
                            case MetadataMessageType.Data:
                                if (assembler is null) throw new MetadataException($"{remote} sent metadata before its extension handshake");
                                assembler.Add(m.Piece, m.TotalSize, m.Data.Span);
                                outstanding--;
                                break;
                        }
                    }
                }
            }
            finally
            {
                foreach (var message in messages)
                    if (message is PieceMessage p) p.Data.Release();
                messages.Clear();
            }
            if (assembler is null) continue;
            if (assembler.IsComplete) return assembler.Complete();
            while (outstanding < Window && assembler.NextRequest() is { } piece)
            {
                await SendAsync(transport, MessageWriter.Encode(new Extended(theirId, MetadataCodec.EncodeRequest(piece))), token).ConfigureAwait(false);
                outstanding++;
            }
        }
    }

    private static async Task<Handshake> ReceiveHandshakeAsync(IPeerTransport transport, CancellationToken ct)
    {
        var buffer = new byte[Handshake.Length];
        if (!await transport.ReceiveExactlyAsync(buffer, ct).ConfigureAwait(false)) throw new IOException("closed before the handshake");
        if (!Handshake.TryParse(buffer, out var hs, out var error)) throw new MetadataException("bad handshake: " + error);
        return hs;
    }

    private static ValueTask SendAsync(IPeerTransport transport, byte[] bytes, CancellationToken ct) => transport.SendAsync([new ArraySegment<byte>(bytes)], ct);
}
