using Engine.Core.Metainfo;
using Engine.Core.Primitives;

namespace Engine.Core.Metadata;

/// <summary>
/// What fetched metadata must hash to: <see cref="InfoHash"/> is the wire hash (the SHA-1 of the info dictionary, or
/// for a v2-only torrent its SHA-256 truncated to 20 bytes); <see cref="V2"/>, when known, the full SHA-256 (BEP 52).
/// The SHA-1 is checked unless <see cref="V2Only"/>; the SHA-256 whenever <see cref="V2"/> is given (a hybrid magnet's
/// metadata must match both).
/// </summary>
internal sealed record MetadataHashes(InfoHash InfoHash, ReadOnlyMemory<byte> V2, bool V2Only)
{
    public static MetadataHashes V1(InfoHash infoHash) => new(infoHash, ReadOnlyMemory<byte>.Empty, false);

    public static MetadataHashes Of(MagnetLink magnet) => new(magnet.InfoHash, magnet.InfoHashV2, magnet.IsV2Only);
}
