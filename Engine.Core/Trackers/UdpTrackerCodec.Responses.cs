using System.Buffers.Binary;
using System.Net;
using System.Text;
using Engine.Core.Primitives;

namespace Engine.Core.Trackers;

internal static partial class UdpTrackerCodec
{
    /// <summary>Writes a connect response (16 bytes). Returns the bytes written.</summary>
    public static int WriteConnectResponse(Span<byte> destination, int transactionId, long connectionId)
    {
        CheckRoom(destination, ConnectResponseLength, "connect response");
        BinaryPrimitives.WriteInt32BigEndian(destination, (int)UdpAction.Connect);
        BinaryPrimitives.WriteInt32BigEndian(destination[4..], transactionId);
        BinaryPrimitives.WriteInt64BigEndian(destination[8..], connectionId);
        return ConnectResponseLength;
    }

    /// <summary>The size of an announce response carrying <paramref name="peerCount"/> peers of this family.</summary>
    public static int AnnounceResponseLength(int peerCount, IpFamily family) =>
        AnnounceResponseHeaderLength + peerCount * PeerEntryLength(family);

    /// <summary>
    /// Writes an announce response. Only the peers of <paramref name="family"/> (the family the request came
    /// over) are written; others are skipped. Returns the bytes written.
    /// </summary>
    public static int WriteAnnounceResponse(Span<byte> destination, int transactionId, TimeSpan interval, int leechers, int seeders,
        IReadOnlyList<IPEndPoint> peers, IpFamily family)
    {
        ArgumentNullException.ThrowIfNull(peers);
        var entry = PeerEntryLength(family);
        CheckRoom(destination, AnnounceResponseHeaderLength, "announce response");
        BinaryPrimitives.WriteInt32BigEndian(destination, (int)UdpAction.Announce);
        BinaryPrimitives.WriteInt32BigEndian(destination[4..], transactionId);
        BinaryPrimitives.WriteInt32BigEndian(destination[8..], (int)Math.Clamp(interval.TotalSeconds, 0, int.MaxValue));
        BinaryPrimitives.WriteInt32BigEndian(destination[12..], Math.Max(0, leechers));
        BinaryPrimitives.WriteInt32BigEndian(destination[16..], Math.Max(0, seeders));
        var offset = AnnounceResponseHeaderLength;
        for (var i = 0; i < peers.Count; i++)
        {
            if (IpFamilies.Of(peers[i]) != family) continue;
            CheckRoom(destination, offset + entry, "announce response");
            offset += WritePeer(destination[offset..], peers[i]);
        }
        return offset;
    }

    /// <summary>Writes a scrape response: one 12-byte entry per torrent, in request order. Returns the bytes written.</summary>
    public static int WriteScrapeResponse(Span<byte> destination, int transactionId, IReadOnlyList<ScrapeStats> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var length = ScrapeResponseHeaderLength + entries.Count * ScrapeEntryLength;
        CheckRoom(destination, length, "scrape response");
        BinaryPrimitives.WriteInt32BigEndian(destination, (int)UdpAction.Scrape);
        BinaryPrimitives.WriteInt32BigEndian(destination[4..], transactionId);
        for (var i = 0; i < entries.Count; i++)
        {
            var at = destination[(ScrapeResponseHeaderLength + i * ScrapeEntryLength)..];
            BinaryPrimitives.WriteInt32BigEndian(at, Math.Max(0, entries[i].Complete));
            BinaryPrimitives.WriteInt32BigEndian(at[4..], Math.Max(0, entries[i].Downloaded));
            BinaryPrimitives.WriteInt32BigEndian(at[8..], Math.Max(0, entries[i].Incomplete));
        }
        return length;
    }

    /// <summary>Writes an error response; the message is UTF-8, cut to <see cref="MaxErrorMessageLength"/> bytes. Returns the bytes written.</summary>
    public static int WriteError(Span<byte> destination, int transactionId, string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var bytes = Encoding.UTF8.GetBytes(message);
        var length = Math.Min(bytes.Length, MaxErrorMessageLength);
        CheckRoom(destination, ErrorHeaderLength + length, "error response");
        BinaryPrimitives.WriteInt32BigEndian(destination, (int)UdpAction.Error);
        BinaryPrimitives.WriteInt32BigEndian(destination[4..], transactionId);
        bytes.AsSpan(0, length).CopyTo(destination[ErrorHeaderLength..]);
        return ErrorHeaderLength + length;
    }

    /// <summary>
    /// Reads a response as a client receives it, for a request of action <paramref name="expected"/> with
    /// <paramref name="expectedTransactionId"/>. An error packet comes back as <see cref="UdpErrorResponse"/>, a
    /// packet of another transaction as <see cref="UdpTransactionMismatch"/>. Announce peers are read as
    /// <paramref name="family"/> (the family the request was sent over). Anything malformed (truncated,
    /// oversized, wrong action, partial entries, negative counts) is a <see cref="TrackerException"/>.
    /// </summary>
    public static UdpResponse ReadResponse(ReadOnlySpan<byte> packet, UdpAction expected, int expectedTransactionId,
        IpFamily family = IpFamily.V4)
    {
        if (expected is not (UdpAction.Connect or UdpAction.Announce or UdpAction.Scrape))
            throw new ArgumentOutOfRangeException(nameof(expected), $"{expected} is not a request action");
        var entry = PeerEntryLength(family);
        if (packet.Length < ErrorHeaderLength)
            throw new TrackerException($"the UDP tracker response has {packet.Length} bytes, shorter than the 8-byte header");
        if (packet.Length > MaxResponseLength)
            throw new TrackerException($"the UDP tracker response has {packet.Length} bytes, more than {MaxResponseLength}");
        var action = BinaryPrimitives.ReadInt32BigEndian(packet);
        var transactionId = BinaryPrimitives.ReadInt32BigEndian(packet[4..]);
        if (action is < 0 or > 3)
            throw new TrackerException($"the UDP tracker response has unknown action {action}");
        if (transactionId != expectedTransactionId)
            return new UdpTransactionMismatch(transactionId, expectedTransactionId);
        if ((UdpAction)action == UdpAction.Error)
            return new UdpErrorResponse(transactionId, DecodeMessage(packet[ErrorHeaderLength..]));
        if ((UdpAction)action != expected)
            throw new TrackerException($"expected a UDP {expected.ToString().ToLowerInvariant()} response, got {((UdpAction)action).ToString().ToLowerInvariant()}");
        return expected switch
        {
            UdpAction.Connect => ReadConnect(packet, transactionId),
            UdpAction.Announce => ReadAnnounce(packet, transactionId, entry),
            _ => ReadScrape(packet, transactionId),
        };
    }

    private static UdpConnectResponse ReadConnect(ReadOnlySpan<byte> packet, int transactionId)
    {
        if (packet.Length < ConnectResponseLength)
            throw new TrackerException($"the UDP connect response has {packet.Length} bytes, expected {ConnectResponseLength}");
        return new UdpConnectResponse(transactionId, BinaryPrimitives.ReadInt64BigEndian(packet[8..]));
    }

    private static UdpAnnounceResponse ReadAnnounce(ReadOnlySpan<byte> packet, int transactionId, int entry)
    {
        if (packet.Length < AnnounceResponseHeaderLength)
            throw new TrackerException($"the UDP announce response has {packet.Length} bytes, shorter than the {AnnounceResponseHeaderLength}-byte header");
        var peerBytes = packet.Length - AnnounceResponseHeaderLength;
        if (peerBytes % entry != 0)
            throw new TrackerException($"the UDP announce response's peer list has {peerBytes} bytes, not a multiple of {entry}");
        var interval = BinaryPrimitives.ReadInt32BigEndian(packet[8..]);
        var leechers = BinaryPrimitives.ReadInt32BigEndian(packet[12..]);
        var seeders = BinaryPrimitives.ReadInt32BigEndian(packet[16..]);
        if (interval < 0) throw new TrackerException($"the UDP announce response has a negative interval {interval}");
        if (leechers < 0 || seeders < 0)
            throw new TrackerException($"the UDP announce response has negative counts (leechers {leechers}, seeders {seeders})");
        var peers = new List<IPEndPoint>(peerBytes / entry);
        var seen = new HashSet<IPEndPoint>();
        for (var at = AnnounceResponseHeaderLength; at < packet.Length; at += entry)
        {
            var port = BinaryPrimitives.ReadUInt16BigEndian(packet[(at + entry - 2)..]);
            if (port == 0) continue;
            var peer = new IPEndPoint(new IPAddress(packet.Slice(at, entry - 2)), port);
            if (seen.Add(peer)) peers.Add(peer);
        }
        return new UdpAnnounceResponse(transactionId, TimeSpan.FromSeconds(interval), leechers, seeders, peers);
    }

    private static UdpScrapeResponse ReadScrape(ReadOnlySpan<byte> packet, int transactionId)
    {
        var body = packet.Length - ScrapeResponseHeaderLength;
        if (body % ScrapeEntryLength != 0)
            throw new TrackerException($"the UDP scrape response has {body} bytes of entries, not a multiple of {ScrapeEntryLength}");
        var entries = new ScrapeStats[body / ScrapeEntryLength];
        for (var i = 0; i < entries.Length; i++)
        {
            var at = packet[(ScrapeResponseHeaderLength + i * ScrapeEntryLength)..];
            var complete = BinaryPrimitives.ReadInt32BigEndian(at);
            var downloaded = BinaryPrimitives.ReadInt32BigEndian(at[4..]);
            var incomplete = BinaryPrimitives.ReadInt32BigEndian(at[8..]);
            if (complete < 0 || downloaded < 0 || incomplete < 0)
                throw new TrackerException($"the UDP scrape response's entry {i} has negative counts");
            entries[i] = new ScrapeStats(complete, downloaded, incomplete, null);
        }
        return new UdpScrapeResponse(transactionId, entries);
    }

    private static string DecodeMessage(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes).TrimEnd('\0');
        return text.Length == 0 ? "(the tracker sent an error without a message)" : text;
    }
}
