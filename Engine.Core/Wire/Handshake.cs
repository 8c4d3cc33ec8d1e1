using System.Buffers.Binary;
using Engine.Core.Primitives;

namespace Engine.Core.Wire;

/// <summary>
/// The 68-byte BitTorrent handshake: <c>19 "BitTorrent protocol" reserved[8] info_hash[20] peer_id[20]</c>.
/// The 8 reserved bytes are kept as a big-endian <see cref="ulong"/> (reserved[0] is the high byte).
/// </summary>
internal readonly struct Handshake
{
    public const int Length = 68;
    public const string ProtocolName = "BitTorrent protocol";

    /// <summary>BEP 10 extension protocol: reserved[5] &amp; 0x10.</summary>
    public const ulong ExtensionBit = 0x10UL << 16;

    /// <summary>BEP 6 fast extension: reserved[7] &amp; 0x04.</summary>
    public const ulong FastBit = 0x04UL;

    /// <summary>BEP 5 DHT (the peer sends <c>port</c> messages): reserved[7] &amp; 0x01.</summary>
    public const ulong DhtBit = 0x01UL;

    /// <summary>
    /// BEP 52 (BEP 4: "hybrid torrent legacy to v2 upgrade"): reserved[7] &amp; 0x10, the peer speaks BitTorrent v2. On a
    /// hybrid torrent's v1 info-hash it asks to upgrade: a v2 peer answers with the truncated v2 info-hash.
    /// </summary>
    public const ulong V2Bit = 0x10UL;

    private const int ReservedOffset = 20, InfoHashOffset = 28, PeerIdOffset = 48;

    private static ReadOnlySpan<byte> Prefix => "\u0013BitTorrent protocol"u8;

    public Handshake(InfoHash infoHash, PeerId peerId, bool supportsExtensions, bool supportsFast)
        : this(infoHash, peerId, (supportsExtensions ? ExtensionBit : 0) | (supportsFast ? FastBit : 0))
    {
    }

    public Handshake(InfoHash infoHash, PeerId peerId, ulong reserved)
    {
        ArgumentNullException.ThrowIfNull(peerId);
        InfoHash = infoHash;
        PeerId = peerId;
        Reserved = reserved;
    }

    public InfoHash InfoHash { get; }
    public PeerId PeerId { get; }
    public ulong Reserved { get; }
    public bool SupportsExtensions => (Reserved & ExtensionBit) != 0;
    public bool SupportsFast => (Reserved & FastBit) != 0;
    public bool SupportsDht => (Reserved & DhtBit) != 0;
    public bool SupportsV2 => (Reserved & V2Bit) != 0;

    /// <summary>
    /// Parses the first 68 bytes of <paramref name="data"/>. Returns false with an <paramref name="error"/>
    /// naming the problem when there are fewer bytes or the protocol string is not <c>\x13BitTorrent protocol</c>.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out Handshake handshake, out string? error)
    {
        handshake = default;
        if (data.Length < Length)
        {
            error = $"a handshake is {Length} bytes, got {data.Length}";
            return false;
        }
        if (!data.StartsWith(Prefix))
        {
            error = data[0] == Prefix.Length - 1
                ? $"unknown protocol string '{Printable(data.Slice(1, Prefix.Length - 1))}'"
                : $"protocol string length is {data[0]}, expected {Prefix.Length - 1} for '{ProtocolName}'";
            return false;
        }
        handshake = new Handshake(
            InfoHash.FromBytes(data.Slice(InfoHashOffset, InfoHash.Length)),
            PeerId.FromBytes(data.Slice(PeerIdOffset, PeerId.Length)),
            BinaryPrimitives.ReadUInt64BigEndian(data[ReservedOffset..]));
        error = null;
        return true;
    }

    /// <summary>Like <see cref="TryParse"/>, but a failure is a <see cref="ViolationKind.BadHandshake"/> violation.</summary>
    public static ProtocolViolation? Parse(ReadOnlySpan<byte> data, out Handshake handshake) =>
        TryParse(data, out handshake, out var error) ? null : new ProtocolViolation(ViolationKind.BadHandshake, error!);

    /// <summary>Writes the 68 bytes to the start of <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Length)
            throw new ArgumentException($"a handshake needs {Length} bytes, the destination has {destination.Length}", nameof(destination));
        if (PeerId is null)
            throw new InvalidOperationException("cannot write a default(Handshake)");
        Prefix.CopyTo(destination);
        BinaryPrimitives.WriteUInt64BigEndian(destination[ReservedOffset..], Reserved);
        InfoHash.CopyTo(destination.Slice(InfoHashOffset, InfoHash.Length));
        PeerId.Span.CopyTo(destination.Slice(PeerIdOffset, PeerId.Length));
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        WriteTo(bytes);
        return bytes;
    }

    public override string ToString() => $"Handshake({InfoHash}, {PeerId}, reserved {Reserved:x16})";

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = stackalloc char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
            chars[i] = bytes[i] is >= 0x20 and < 0x7f ? (char)bytes[i] : '.';
        return new string(chars);
    }
}
