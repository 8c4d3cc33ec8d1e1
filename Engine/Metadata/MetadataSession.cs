using System.Buffers.Binary;
using System.Net.Sockets;
using System.Net;
using Engine.Core.Buffers;
using Engine.Core.Extensions;
using Engine.Core.Metadata;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using Engine.Peers;
using Engine.Transports;

namespace Engine.Metadata;

/// <summary>
/// Fetches a torrent's metadata from one peer (BEP 9 over BEP 10): connect (through an <see cref="IPeerDialer"/>), handshake with the extension bit,
/// extension handshake announcing <c>ut_metadata</c>, then request the 16 KiB pieces (a few at a time) and check
/// the whole against the info-hashes (SHA-1, and SHA-256 for a magnet with a v2 hash: <see cref="MetadataHashes"/>). Plain async I/O, no actor state; every step is bounded by
/// <see cref="MetadataSettings.SessionTimeout"/>. Requests for our metadata are rejected (we have none yet).
/// <para>On success the connection stays open, for the download to go on with (<see cref="PeerManager.HandedOver"/>), as
/// libtorrent does: no second dial, no second handshake. So it reads whole frames only — when the metadata is complete
/// nothing of the next frame has been read — and keeps the peer's other messages (its bitfield, its extension
/// handshake, haves) for the peer connection to read first.</para>
/// </summary>
internal static class MetadataSession
{
    /// <summary>Our id for <c>ut_metadata</c>: the peer sends its metadata messages under it. The torrent's own
    /// connections give it the same id (it is registered first), so a request the peer sends under it after the
    /// hand-off still reaches ut_metadata.</summary>
    public const byte OurMetadataId = 1;

    /// <summary>The most of the peer's other messages kept for the hand-off; a peer that sends more is not handed over.</summary>
    public const int MaxKeptBytes = 4 * 1024 * 1024;

    private const int Window = 4;

    /// <summary>The info dictionary's bytes, and the open connection they came over (null: not fit to hand over).</summary>
    public sealed record Fetched(byte[] Info, PeerManager.HandedOver? Connection);

    /// <summary>Returns the info dictionary's bytes; throws <see cref="MetadataException"/>, <see cref="IOException"/>,
    /// <see cref="SocketException"/> or <see cref="OperationCanceledException"/> (timeout or <paramref name="ct"/>).</summary>
    public static async Task<byte[]> FetchAsync(IPEndPoint remote, InfoHash infoHash, PeerId ourId, int listenPort, MetadataSettings settings, CancellationToken ct)
    {
        var fetched = await FetchAsync(TcpDialer.Instance, remote, MetadataHashes.V1(infoHash), ourId, listenPort, Handshake.ExtensionBit, settings, ct).ConfigureAwait(false);
        fetched.Connection?.Transport.Dispose();
        return fetched.Info;
    }

    /// <summary>
    /// As above, over a connection <paramref name="dialer"/> opens, with <paramref name="reserved"/> as our handshake's
    /// reserved bits (those the torrent's connections will send: the connection is handed over under them). The caller
    /// owns the returned connection.
    /// </summary>
    public static async Task<Fetched> FetchAsync(IPeerDialer dialer, IPEndPoint remote, MetadataHashes hashes, PeerId ourId, int listenPort, ulong reserved,
        MetadataSettings settings, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.SessionTimeout);
        var transport = await dialer.ConnectAsync(remote, timeout.Token).ConfigureAwait(false);
        try
        {
            var fetched = await ExchangeAsync(transport, remote, hashes, ourId, listenPort, reserved, settings, timeout.Token).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested(); // the fetcher has gone: nobody would take the connection
            if (fetched.Connection is null) transport.Dispose();
            return fetched;
        }
        catch
        {
            transport.Dispose();
            throw;
        }
    }

    private static async Task<Fetched> ExchangeAsync(IPeerTransport transport, IPEndPoint remote, MetadataHashes hashes, PeerId ourId, int listenPort, ulong reserved,
        MetadataSettings settings, CancellationToken token)
    {
        var infoHash = hashes.InfoHash;
        var sentAt = System.Diagnostics.Stopwatch.GetTimestamp();
        await SendAsync(transport, new Handshake(infoHash, ourId, reserved).ToArray(), token).ConfigureAwait(false);
        var theirs = await ReceiveHandshakeAsync(transport, token).ConfigureAwait(false);
        var roundTrip = System.Diagnostics.Stopwatch.GetElapsedTime(sentAt); // the download's first request depth is sized from it
        if (theirs.InfoHash != infoHash) throw new MetadataException($"{remote} answered for another torrent ({theirs.InfoHash})");
        if (theirs.PeerId.Equals(ourId)) throw new MetadataException($"{remote} is ourselves");
        if (!theirs.SupportsExtensions) throw new MetadataException($"{remote} does not support the extension protocol (BEP 10)");
        var hello = new ExtensionHandshake(new Dictionary<string, int> { [MetadataCodec.ExtensionName] = OurMetadataId },
            ListenPort: listenPort > 0 ? listenPort : null, Client: "Engine/0.1");
        await SendAsync(transport, MessageWriter.Encode(new Extended(0, hello.Encode())), token).ConfigureAwait(false);

        using var decoder = new FrameDecoder(new BlockPool(4), settings.MaxMessageLength);
        var kept = new MemoryStream();
        var keep = true;
        var prefix = new byte[4];
        var messages = new List<PeerMessage>();
        MetadataAssembler? assembler = null;
        byte theirId = 0;
        var outstanding = 0;
        while (true)
        {
            // One whole frame at a time: its length prefix (checked by the decoder), then its body.
            if (!await transport.ReceiveExactlyAsync(prefix, token).ConfigureAwait(false))
                throw new IOException($"{remote} closed the connection" + (assembler is null ? " before its extension handshake" : $" after {assembler.ReceivedPieces} of {assembler.PieceCount} metadata pieces"));
            var violation = decoder.Feed(prefix, messages);
            var length = BinaryPrimitives.ReadInt32BigEndian(prefix);
            var frame = Array.Empty<byte>();
            if (violation is null && length > 0)
            {
                frame = new byte[length];
                if (!await transport.ReceiveExactlyAsync(frame, token).ConfigureAwait(false)) throw new IOException($"{remote} closed the connection within a message");
                violation = decoder.Feed(frame, messages);
            }
            try
            {
                if (violation is not null) throw new MetadataException($"{remote} sent a bad frame: {violation}");
                foreach (var message in messages)
                {
                    if (message is not Extended { ExtendedId: OurMetadataId } ext)
                    {
                        if (keep && message is not KeepAlive) keep = Keep(kept, prefix, frame);
                        if (message is Extended { ExtendedId: 0 } handshake && assembler is null) assembler = Start(handshake, hashes, remote, out theirId);
                        continue;
                    }
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
            finally
            {
                foreach (var message in messages)
                    if (message is PieceMessage p) p.Data.Release();
                messages.Clear();
            }
            if (assembler is null) continue;
            if (assembler.IsComplete)
                return new Fetched(assembler.Complete(), keep ? new PeerManager.HandedOver(transport, remote, theirs, kept.ToArray(), reserved) { RoundTrip = roundTrip } : null);
            while (outstanding < Window && assembler.NextRequest() is { } piece)
            {
                await SendAsync(transport, MessageWriter.Encode(new Extended(theirId, MetadataCodec.EncodeRequest(piece))), token).ConfigureAwait(false);
                outstanding++;
            }
        }
    }

    /// <summary>The peer's extension handshake: its id for ut_metadata and the metadata's size.</summary>
    private static MetadataAssembler Start(Extended handshake, MetadataHashes hashes, IPEndPoint remote, out byte theirId)
    {
        var hs = ExtensionHandshake.Decode(handshake.Payload);
        theirId = (byte)(hs.IdOf(MetadataCodec.ExtensionName) ?? throw new MetadataException($"{remote} does not offer ut_metadata (BEP 9)"));
        var size = hs.MetadataSize ?? throw new MetadataException($"{remote} did not say its metadata_size");
        return new MetadataAssembler(hashes, size);
    }

    /// <summary>Keeps one frame for the peer connection; false once the kept frames would pass <see cref="MaxKeptBytes"/>.</summary>
    private static bool Keep(MemoryStream kept, byte[] prefix, byte[] frame)
    {
        if (kept.Length + prefix.Length + frame.Length > MaxKeptBytes) return false;
        kept.Write(prefix);
        kept.Write(frame);
        return true;
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
