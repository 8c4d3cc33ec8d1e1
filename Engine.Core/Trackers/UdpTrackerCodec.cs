using System.Buffers.Binary;
using System.Net;
using Engine.Core.Primitives;

namespace Engine.Core.Trackers;

/// <summary>
/// UDP tracker protocol (BEP 15), both directions: a client writes requests and reads responses, a tracker
/// reads requests and writes responses. Pure: no I/O. Readers never throw anything but
/// <see cref="TrackerException"/> (client side) or return false (tracker side).
/// </summary>
internal static partial class UdpTrackerCodec
{
    /// <summary>The magic constant of a connect request.</summary>
    public const long ProtocolId = 0x41727101980;

    public const int ConnectRequestLength = 16;
    public const int ConnectResponseLength = 16;
    public const int AnnounceRequestLength = 98;
    public const int AnnounceResponseHeaderLength = 20;
    public const int ScrapeRequestHeaderLength = 16;
    public const int ScrapeResponseHeaderLength = 8;
    public const int ScrapeEntryLength = 12;
    public const int ErrorHeaderLength = 8;
    public const int Ipv4PeerLength = 6;
    public const int Ipv6PeerLength = 18;

    /// <summary>Most info-hashes in one scrape: what fits a 1500-byte packet.</summary>
    public const int MaxScrapeHashes = 74;

    /// <summary>Longest request a tracker accepts (a full scrape; announces may carry BEP 41 options up to this).</summary>
    public const int MaxRequestLength = ScrapeRequestHeaderLength + MaxScrapeHashes * InfoHash.Length;

    /// <summary>Longest response a client accepts: the largest UDP payload over IPv4.</summary>
    public const int MaxResponseLength = 65507;

    /// <summary>Longest error message a tracker writes (UTF-8 bytes; longer ones are cut).</summary>
    public const int MaxErrorMessageLength = 1024;

    /// <summary>The <c>event</c> field's value for an announce event (BEP 15 numbers them differently from BEP 3's order).</summary>
    public static int EventCode(AnnounceEvent e) => e switch
    {
        AnnounceEvent.None => 0,
        AnnounceEvent.Completed => 1,
        AnnounceEvent.Started => 2,
        AnnounceEvent.Stopped => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(e), $"unknown announce event {e}"),
    };

    internal static bool TryEvent(int code, out AnnounceEvent e)
    {
        e = code switch
        {
            0 => AnnounceEvent.None,
            1 => AnnounceEvent.Completed,
            2 => AnnounceEvent.Started,
            3 => AnnounceEvent.Stopped,
            _ => (AnnounceEvent)(-1),
        };
        return code is >= 0 and <= 3;
    }

    /// <summary>Bytes per peer entry for peers of this address family.</summary>
    public static int PeerEntryLength(IpFamily family) => family switch
    {
        IpFamily.V4 => Ipv4PeerLength,
        IpFamily.V6 => Ipv6PeerLength,
        _ => throw new ArgumentOutOfRangeException(nameof(family), $"{family} is not IPv4 or IPv6"),
    };

    /// <summary>Writes a peer as 4+2 or 16+2 big-endian bytes (by the address's family). Returns the bytes written.</summary>
    public static int WritePeer(Span<byte> destination, IPEndPoint peer)
    {
        if (!peer.Address.TryWriteBytes(destination, out var written))
            throw new ArgumentException("the destination is too small for the peer's address", nameof(destination));
        BinaryPrimitives.WriteUInt16BigEndian(destination[written..], (ushort)peer.Port);
        return written + 2;
    }

    private static void WriteHeader(Span<byte> destination, long connectionId, UdpAction action, int transactionId)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, connectionId);
        BinaryPrimitives.WriteInt32BigEndian(destination[8..], (int)action);
        BinaryPrimitives.WriteInt32BigEndian(destination[12..], transactionId);
    }

    private static void CheckRoom(Span<byte> destination, int needed, string what)
    {
        if (destination.Length < needed)
            throw new ArgumentException($"a UDP {what} needs {needed} bytes, the destination has {destination.Length}", nameof(destination));
    }
}
