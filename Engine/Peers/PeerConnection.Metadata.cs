using Akka.Actor;
using Engine.Core.Bencode;
using Engine.Core.Metadata;
using Engine.Core.Wire;
using Engine.Metadata;

namespace Engine.Peers;

public sealed partial class PeerConnection
{
    /// <summary>Our extended-message id for <c>ut_metadata</c> (the one the peer sends its requests under).</summary>
    private const byte MetadataId = MetadataSession.OurMetadataId;

    /// <summary>The peer's id for <c>ut_metadata</c> (0: it does not take our replies).</summary>
    private byte _theirMetadataId;

    private void ReadMetadataId(BDictionary handshake)
    {
        if (handshake.TryGet<BDictionary>("m", out var m) && m.TryGet<BInteger>(MetadataCodec.ExtensionName, out var id) && id.Value is >= 0 and <= 255)
            _theirMetadataId = (byte)id.Value;
    }

    /// <summary>
    /// BEP 9: a peer asks for a piece of the info dictionary (typically a client that came from a magnet link). We
    /// answer with the piece, or reject when we do not serve metadata or the piece does not exist. Replies are small
    /// (16 KiB at most) and go through the outbound queue like any message. A malformed message is ignored.
    /// </summary>
    private void OnMetadataMessage(byte[] payload)
    {
        if (_theirMetadataId == 0) return;
        MetadataMessage m;
        try { m = MetadataCodec.Decode(payload); }
        catch (MetadataException) { return; }
        if (m.Type != MetadataMessageType.Request) return;
        var info = _ctx.Metadata;
        if (info.IsEmpty || m.Piece >= MetadataCodec.PieceCount(info.Length))
        {
            _outbound.Tell(new Extended(_theirMetadataId, MetadataCodec.EncodeReject(m.Piece)));
            return;
        }
        var slice = info.Span.Slice(m.Piece * MetadataCodec.PieceSize, MetadataCodec.PieceLength(m.Piece, info.Length));
        _outbound.Tell(new Extended(_theirMetadataId, MetadataCodec.EncodeData(m.Piece, info.Length, slice)));
    }
}
