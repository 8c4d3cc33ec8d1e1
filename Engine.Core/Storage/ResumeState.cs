using System.Buffers.Binary;
using System.Security.Cryptography;
using Engine.Core.Primitives;

namespace Engine.Core.Storage;

/// <summary>
/// Fast-resume record: which pieces were verified, and the size and last-write time of every file when
/// that was recorded. Trusted on restart only if the info-hash, piece count and every file stamp still
/// match; otherwise existing data is hash-checked. Binary, versioned and checksummed (a torn or
/// foreign file is simply "absent"). Pure codec; the StorageActor writes it atomically (temp + rename).
/// </summary>
internal sealed record ResumeState(InfoHash InfoHash, int PieceCount, byte[] Verified, (long Length, long MTimeTicks)[] Files)
{
    private const uint Magic = 0x414B5253; // "AKRS"
    private const int Version = 1;

    public byte[] Encode()
    {
        var size = 4 + 4 + InfoHash.Length + 4 + 4 + Verified.Length + 4 + Files.Length * 16 + 4;
        var bytes = new byte[size];
        var s = bytes.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(s, Magic);
        BinaryPrimitives.WriteInt32BigEndian(s[4..], Version);
        InfoHash.CopyTo(s[8..]);
        var p = 8 + InfoHash.Length;
        BinaryPrimitives.WriteInt32BigEndian(s[p..], PieceCount); p += 4;
        BinaryPrimitives.WriteInt32BigEndian(s[p..], Verified.Length); p += 4;
        Verified.CopyTo(s[p..]); p += Verified.Length;
        BinaryPrimitives.WriteInt32BigEndian(s[p..], Files.Length); p += 4;
        foreach (var (length, mtime) in Files)
        {
            BinaryPrimitives.WriteInt64BigEndian(s[p..], length); p += 8;
            BinaryPrimitives.WriteInt64BigEndian(s[p..], mtime); p += 8;
        }
        BinaryPrimitives.WriteUInt32BigEndian(s[p..], Checksum(s[..p]));
        return bytes;
    }

    /// <summary>Decodes a record, or null when the bytes are not a complete, intact record.</summary>
    public static ResumeState? TryDecode(ReadOnlySpan<byte> s)
    {
        if (s.Length < 8 + InfoHash.Length + 16) return null;
        if (BinaryPrimitives.ReadUInt32BigEndian(s) != Magic || BinaryPrimitives.ReadInt32BigEndian(s[4..]) != Version) return null;
        if (BinaryPrimitives.ReadUInt32BigEndian(s[^4..]) != Checksum(s[..^4])) return null;
        var hash = InfoHash.FromBytes(s.Slice(8, InfoHash.Length));
        var p = 8 + InfoHash.Length;
        var pieces = BinaryPrimitives.ReadInt32BigEndian(s[p..]); p += 4;
        var bitLen = BinaryPrimitives.ReadInt32BigEndian(s[p..]); p += 4;
        if (pieces < 0 || bitLen != (pieces + 7) / 8 || p + bitLen + 4 > s.Length - 4) return null;
        var bits = s.Slice(p, bitLen).ToArray(); p += bitLen;
        var count = BinaryPrimitives.ReadInt32BigEndian(s[p..]); p += 4;
        if (count < 0 || p + (long)count * 16 != s.Length - 4) return null;
        var files = new (long, long)[count];
        for (var i = 0; i < count; i++)
        {
            files[i] = (BinaryPrimitives.ReadInt64BigEndian(s[p..]), BinaryPrimitives.ReadInt64BigEndian(s[(p + 8)..]));
            p += 16;
        }
        return new ResumeState(hash, pieces, bits, files);
    }

    /// <summary>True when this record describes the given torrent and the files are exactly as recorded.</summary>
    public bool Matches(InfoHash infoHash, int pieceCount, (long Length, long MTimeTicks)[] currentFiles)
    {
        if (InfoHash != infoHash || PieceCount != pieceCount || Files.Length != currentFiles.Length) return false;
        for (var i = 0; i < Files.Length; i++)
            if (Files[i] != currentFiles[i]) return false;
        return true;
    }

    private static uint Checksum(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(data, digest);
        return BinaryPrimitives.ReadUInt32BigEndian(digest);
    }
}
