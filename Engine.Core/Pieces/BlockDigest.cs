using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Engine.Core.Pieces;

/// <summary>
/// A fingerprint of one block's bytes for <see cref="SmartBan{TPeer}"/>: the first 128 bits of its SHA-256. Two copies
/// of a block that differ get different digests (a collision would need a 2^64 search by the liar, for one block).
/// Computed only for pieces that failed their hash check and for their later good copy, never on the hot path.
/// </summary>
internal static class BlockDigest
{
    public static UInt128 Of(ReadOnlySpan<byte> block)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(block, hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }
}
