using System.Buffers.Binary;
using System.Net;
using Engine.Core.Primitives;

namespace Engine.Core.Trackers;

internal static partial class UdpTrackerCodec
{
    /// <summary>Writes a connect request (16 bytes). Returns the bytes written.</summary>
    public static int WriteConnectRequest(Span<byte> destination, int transactionId)
    {
        CheckRoom(destination, ConnectRequestLength, "connect request");
        WriteHeader(destination, ProtocolId, UdpAction.Connect, transactionId);
        return ConnectRequestLength;
    }

    /// <summary>
    /// Writes an announce request (98 bytes). The <c>ip</c> field is the request's <see cref="AnnounceRequest.Ip"/>
    /// when that is an IPv4 address, otherwise 0. Returns the bytes written.
    /// </summary>
    public static int WriteAnnounceRequest(Span<byte> destination, long connectionId, int transactionId, AnnounceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckRoom(destination, AnnounceRequestLength, "announce request");
        if (request.Port is < 0 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(request), $"port {request.Port} is not a UDP/TCP port");
        if (request.Uploaded < 0 || request.Downloaded < 0 || request.Left < 0)
            throw new ArgumentOutOfRangeException(nameof(request), "uploaded, downloaded and left must not be negative");
        WriteHeader(destination, connectionId, UdpAction.Announce, transactionId);
        request.InfoHash.CopyTo(destination[16..]);
        request.PeerId.Span.CopyTo(destination[36..]);
        BinaryPrimitives.WriteInt64BigEndian(destination[56..], request.Downloaded);
        BinaryPrimitives.WriteInt64BigEndian(destination[64..], request.Left);
        BinaryPrimitives.WriteInt64BigEndian(destination[72..], request.Uploaded);
        BinaryPrimitives.WriteInt32BigEndian(destination[80..], EventCode(request.Event));
        if (request.Ip is not null && IPAddress.TryParse(request.Ip, out var address) && IpFamilies.Of(address) == IpFamily.V4)
            address.TryWriteBytes(destination.Slice(84, 4), out _);
        else
            BinaryPrimitives.WriteUInt32BigEndian(destination[84..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(destination[88..], request.Key);
        BinaryPrimitives.WriteInt32BigEndian(destination[92..], request.NumWant < 0 ? -1 : request.NumWant);
        BinaryPrimitives.WriteUInt16BigEndian(destination[96..], (ushort)request.Port);
        return AnnounceRequestLength;
    }

    /// <summary>Writes a scrape request for 1 to <see cref="MaxScrapeHashes"/> torrents. Returns the bytes written.</summary>
    public static int WriteScrapeRequest(Span<byte> destination, long connectionId, int transactionId, IReadOnlyList<InfoHash> infoHashes)
    {
        ArgumentNullException.ThrowIfNull(infoHashes);
        if (infoHashes.Count is 0 or > MaxScrapeHashes)
            throw new ArgumentOutOfRangeException(nameof(infoHashes), $"a UDP scrape carries 1 to {MaxScrapeHashes} info-hashes, got {infoHashes.Count}");
        var length = ScrapeRequestHeaderLength + infoHashes.Count * InfoHash.Length;
        CheckRoom(destination, length, "scrape request");
        WriteHeader(destination, connectionId, UdpAction.Scrape, transactionId);
        for (var i = 0; i < infoHashes.Count; i++)
            infoHashes[i].CopyTo(destination[(ScrapeRequestHeaderLength + i * InfoHash.Length)..]);
        return length;
    }

    /// <summary>
    /// Reads a request as a tracker receives it. False means the packet is garbage (too short, too long, wrong
    /// protocol id, unknown action, badly sized scrape) and should be dropped without an answer. A framed request
    /// with invalid content comes back as <see cref="UdpInvalidRequest"/>. Never throws.
    /// </summary>
    public static bool TryReadRequest(ReadOnlySpan<byte> packet, out UdpRequest? request)
    {
        request = null;
        if (packet.Length < ConnectRequestLength || packet.Length > MaxRequestLength) return false;
        var connectionId = BinaryPrimitives.ReadInt64BigEndian(packet);
        var action = BinaryPrimitives.ReadInt32BigEndian(packet[8..]);
        var transactionId = BinaryPrimitives.ReadInt32BigEndian(packet[12..]);
        switch ((UdpAction)action)
        {
            case UdpAction.Connect:
                if (connectionId != ProtocolId) return false;
                request = new UdpConnectRequest(transactionId);
                return true;
            case UdpAction.Announce:
                if (packet.Length < AnnounceRequestLength) return false;
                request = ReadAnnounce(packet, connectionId, transactionId);
                return true;
            case UdpAction.Scrape:
                var body = packet.Length - ScrapeRequestHeaderLength;
                if (body == 0 || body % InfoHash.Length != 0) return false;
                var hashes = new InfoHash[body / InfoHash.Length];
                for (var i = 0; i < hashes.Length; i++)
                    hashes[i] = InfoHash.FromBytes(packet.Slice(ScrapeRequestHeaderLength + i * InfoHash.Length, InfoHash.Length));
                request = new UdpScrapeRequest(connectionId, transactionId, hashes);
                return true;
            default:
                return false;
        }
    }

    private static UdpRequest ReadAnnounce(ReadOnlySpan<byte> packet, long connectionId, int transactionId)
    {
        var downloaded = BinaryPrimitives.ReadInt64BigEndian(packet[56..]);
        var left = BinaryPrimitives.ReadInt64BigEndian(packet[64..]);
        var uploaded = BinaryPrimitives.ReadInt64BigEndian(packet[72..]);
        var eventCode = BinaryPrimitives.ReadInt32BigEndian(packet[80..]);
        var ip = BinaryPrimitives.ReadUInt32BigEndian(packet[84..]);
        var key = BinaryPrimitives.ReadUInt32BigEndian(packet[88..]);
        var numWant = BinaryPrimitives.ReadInt32BigEndian(packet[92..]);
        var port = BinaryPrimitives.ReadUInt16BigEndian(packet[96..]);
        if (downloaded < 0 || left < 0 || uploaded < 0)
            return new UdpInvalidRequest(transactionId, "downloaded, left and uploaded must not be negative");
        if (!TryEvent(eventCode, out var announceEvent))
            return new UdpInvalidRequest(transactionId, $"unknown event {eventCode}");
        if (port == 0)
            return new UdpInvalidRequest(transactionId, "port 0 is not a listening port");
        var announce = new AnnounceRequest(
            InfoHash.FromBytes(packet.Slice(16, InfoHash.Length)),
            PeerId.FromBytes(packet.Slice(36, PeerId.Length)),
            port, uploaded, downloaded, left, announceEvent,
            NumWant: numWant < 0 ? -1 : numWant,
            Key: key,
            Ip: ip == 0 ? null : new IPAddress(packet.Slice(84, 4)).ToString());
        return new UdpAnnounceRequest(connectionId, transactionId, announce);
    }
}
