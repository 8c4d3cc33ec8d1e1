using Engine.Core.Bencode;
using Engine.Core.Extensions;

namespace Engine.Core.Metadata;

/// <summary>
/// BEP 9 on a torrent's connections, as a BEP 10 extension module: our handshake offers <c>ut_metadata</c> with
/// <c>metadata_size</c>, and a peer's requests (typically a client that came from a magnet link) are answered with the
/// info dictionary's 16 KiB pieces, or rejected past its end. A malformed message is ignored; replies go through the
/// connection's outbound queue like any message.
/// </summary>
internal sealed class MetadataServer(ReadOnlyMemory<byte> info) : PeerExtension
{
    public const string Name = MetadataCodec.ExtensionName;

    /// <summary>The registry entry: connections serve <paramref name="info"/> (nothing is registered when it is empty).</summary>
    public static ExtensionRegistry Register(ExtensionRegistry registry, ReadOnlyMemory<byte> info)
        => info.IsEmpty ? registry : registry.With(Name, () => new MetadataServer(info));

    public override void WriteHandshake(BDictionaryBuilder handshake) => handshake.Add("metadata_size", info.Length);

    public override void OnMessage(ReadOnlyMemory<byte> payload, ExtensionLink link)
    {
        MetadataMessage m;
        try { m = MetadataCodec.Decode(payload); }
        catch (MetadataException) { return; }
        if (m.Type != MetadataMessageType.Request) return;
        if (m.Piece >= MetadataCodec.PieceCount(info.Length))
        {
            link.Send(MetadataCodec.EncodeReject(m.Piece));
            return;
        }
        var slice = info.Span.Slice(m.Piece * MetadataCodec.PieceSize, MetadataCodec.PieceLength(m.Piece, info.Length));
        link.Send(MetadataCodec.EncodeData(m.Piece, info.Length, slice));
    }
}
