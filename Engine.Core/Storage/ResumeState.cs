using System.Buffers.Binary;
using System.Security.Cryptography;
using Engine.Core.Primitives;

namespace Engine.Core.Storage;

/// <summary>
/// Fast-resume record: which pieces were verified, and the size and last-write time of every file when
/// that was recorded. Trusted on restart only if the info-hash, piece count and every file stamp still
/// match; otherwise existing data is hash-checked. Binary, versioned and checksummed (a torn or
/// foreign file is simply "absent"). Pure codec; the StorageActor writes it atomically (temp + rename).
/// Version 2 adds what a v2-only torrent learnt from peers (BEP 52): the pieces downloaded but held for a piece
/// layer not known yet (<see cref="Held"/>, trusted like <see cref="Verified"/>), and the piece layers fetched
/// (<see cref="Layers"/>, by file with data; checked against their pieces roots again when applied). Version 1
/// records are still read.
/// </summary>
internal sealed record ResumeState(InfoHash InfoHash, int PieceCount, byte[] Verified, (long Length, long MTimeTicks)[] Files)
{
    private const uint Magic = 0x414B5253; // "AKRS"
    private const int Version = 2;

    /// <summary>Held pieces' bitfield (wire order); empty: none.</summary>
    public byte[] Held { get; init; } = [];

    /// <summary>Piece layers learnt from peers: the file (numbered among files with data) and its layer.</summary>
    public (int File, byte[] Layer)[] Layers { get; init; } = [];

    public byte[] Encode()
    {
        var layerBytes = 0;
        foreach (var (_, layer) in Layers) layerBytes += 8 + layer.Length;
        var size = 4 + 4 + InfoHash.Length + 4 + 4 + Verified.Length + 4 + Files.Length * 16 + 4 + Held.Length + 4 + layerBytes + 4;
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
        BinaryPrimitives.WriteInt32BigEndian(s[p..], Held.Length); p += 4;
        Held.CopyTo(s[p..]); p += Held.Length;
        BinaryPrimitives.WriteInt32BigEndian(s[p..], Layers.Length); p += 4;
        foreach (var (file, layer) in Layers)
        {
            BinaryPrimitives.WriteInt32BigEndian(s[p..], file); p += 4;
            BinaryPrimitives.WriteInt32BigEndian(s[p..], layer.Length); p += 4;
            layer.CopyTo(s[p..]); p += layer.Length;
        }
        BinaryPrimitives.WriteUInt32BigEndian(s[p..], Checksum(s[..p]));
        return bytes;
    }

    /// <summary>Decodes a record, or null when the bytes are not a complete, intact record.</summary>
    public static ResumeState? TryDecode(ReadOnlySpan<byte> s)
    {
        if (s.Length < 8 + InfoHash.Length + 16) return null;
        var version = s.Length >= 8 ? BinaryPrimitives.ReadInt32BigEndian(s[4..]) : 0;
        if (BinaryPrimitives.ReadUInt32BigEndian(s) != Magic || version is not (1 or Version)) return null;
        if (BinaryPrimitives.ReadUInt32BigEndian(s[^4..]) != Checksum(s[..^4])) return null;
        var hash = InfoHash.FromBytes(s.Slice(8, InfoHash.Length));
        var p = 8 + InfoHash.Length;
        var pieces = BinaryPrimitives.ReadInt32BigEndian(s[p..]); p += 4;
        var bitLen = BinaryPrimitives.ReadInt32BigEndian(s[p..]); p += 4;
        if (pieces < 0 || bitLen != (pieces + 7) / 8 || p + bitLen + 4 > s.Length - 4) return null;
        var bits = s.Slice(p, bitLen).ToArray(); p += bitLen;
        var count = BinaryPrimitives.ReadInt32BigEndian(s[p..]); p += 4;
        var end = s.Length - 4;
        if (count < 0 || (version == 1 ? p + (long)count * 16 != end : p + (long)count * 16 + 8 > end)) return null;
        var files = new (long, long)[count];
        for (var i = 0; i < count; i++)
        {
            files[i] = (BinaryPrimitives.ReadInt64BigEndian(s[p..]), BinaryPrimitives.ReadInt64BigEndian(s[(p + 8)..]));
            p += 16;
        }
        var state = new ResumeState(hash, pieces, bits, files);
        return version == 1 ? state : DecodeV2(state, s[p..end]);
    }

    /// <summary>The held pieces and the layers after the files; null when they do not fill the rest exactly.</summary>
    private static ResumeState? DecodeV2(ResumeState state, ReadOnlySpan<byte> s)
    {
        var heldLength = BinaryPrimitives.ReadInt32BigEndian(s);
        if (heldLength != 0 && heldLength != state.Verified.Length || 4L + heldLength + 4 > s.Length) return null;
        var held = s.Slice(4, heldLength).ToArray();
        var p = 4 + heldLength;
        var count = BinaryPrimitives.ReadInt32BigEndian(s[p..]); p += 4;
        if (count < 0 || count > (s.Length - p) / 8) return null;
        var layers = new (int, byte[])[count];
        for (var i = 0; i < count; i++)
        {
            if (p + 8 > s.Length) return null;
            var file = BinaryPrimitives.ReadInt32BigEndian(s[p..]);
            var length = BinaryPrimitives.ReadInt32BigEndian(s[(p + 4)..]);
            p += 8;
            if (file < 0 || length < 0 || length > s.Length - p) return null;
            layers[i] = (file, s.Slice(p, length).ToArray());
            p += length;
        }
        return p == s.Length ? state with { Held = held, Layers = layers } : null;
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
