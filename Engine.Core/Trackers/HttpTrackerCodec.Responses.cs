using System.Buffers.Binary;
using System.Net;
using System.Text;
using Engine.Core.Bencode;
using Engine.Core.Primitives;

namespace Engine.Core.Trackers;

internal static partial class HttpTrackerCodec
{
    /// <summary>Longest interval accepted from a tracker (a week); anything larger is treated as garbage.</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromDays(7);

    // Trackers in the wild emit unsorted keys now and then: accept them.
    private static readonly BencodeOptions Lenient = new(Strict: false, MaxDepth: 32);

    /// <summary>Decodes an announce response body. Anything malformed is a <see cref="TrackerException"/>.</summary>
    public static AnnounceResponse ParseAnnounceResponse(ReadOnlyMemory<byte> body)
    {
        var dict = DecodeTop(body, "announce");
        var failure = OptionalText(dict, "failure reason");
        var warning = OptionalText(dict, "warning message");
        if (failure is not null)
            return new AnnounceResponse(failure, warning, TimeSpan.Zero, null, null, null, null,
                Array.Empty<IPEndPoint>(), EmptyPeerIds);

        var interval = OptionalSeconds(dict, "interval") ?? throw new TrackerException("the announce response has no 'interval'");
        var minInterval = OptionalSeconds(dict, "min interval");
        var trackerId = OptionalText(dict, "tracker id");
        var complete = OptionalCount(dict, "complete");
        var incomplete = OptionalCount(dict, "incomplete");

        var peers = new List<IPEndPoint>();
        var seen = new HashSet<IPEndPoint>();
        Dictionary<IPEndPoint, PeerId>? peerIds = null;
        switch (dict["peers"])
        {
            case null:
                break;
            case BString compact:
                ReadCompact(compact.Bytes.Span, 6, "peers", peers, seen);
                break;
            case BList list:
                ReadDictionaryPeers(list, peers, seen, ref peerIds);
                break;
            default:
                throw new TrackerException($"'peers' is {Describe(dict["peers"])}, expected a string (compact) or a list of dictionaries");
        }
        switch (dict["peers6"])
        {
            case null:
                break;
            case BString compact6:
                ReadCompact(compact6.Bytes.Span, 18, "peers6", peers, seen);
                break;
            default:
                throw new TrackerException($"'peers6' is {Describe(dict["peers6"])}, expected a string of 18-byte entries");
        }
        return new AnnounceResponse(null, warning, interval, minInterval, trackerId, complete, incomplete, peers,
            (IReadOnlyDictionary<IPEndPoint, PeerId>?)peerIds ?? EmptyPeerIds);
    }

    /// <summary>Decodes a scrape response body. Anything malformed is a <see cref="TrackerException"/>.</summary>
    public static ScrapeResponse ParseScrapeResponse(ReadOnlyMemory<byte> body)
    {
        var dict = DecodeTop(body, "scrape");
        var failure = OptionalText(dict, "failure reason");
        if (failure is not null) return new ScrapeResponse(failure, new Dictionary<InfoHash, ScrapeStats>(), null);
        TimeSpan? minRequestInterval = null;
        switch (dict["flags"])
        {
            case null: break;
            case BDictionary flags: minRequestInterval = OptionalSeconds(flags, "min_request_interval"); break;
            default: throw new TrackerException($"'flags' is {Describe(dict["flags"])}, expected a dictionary");
        }
        var files = new Dictionary<InfoHash, ScrapeStats>();
        switch (dict["files"])
        {
            case null: break;
            case BDictionary entries:
                foreach (var (key, value) in entries.Entries)
                {
                    if (key.Bytes.Length != InfoHash.Length)
                        throw new TrackerException($"a 'files' key is {key.Bytes.Length} bytes, expected a {InfoHash.Length}-byte info-hash");
                    if (value is not BDictionary stats)
                        throw new TrackerException($"the 'files' entry for {Convert.ToHexStringLower(key.Bytes.Span)} is {Describe(value)}, expected a dictionary");
                    var hash = InfoHash.FromBytes(key.Bytes.Span);
                    files[hash] = new ScrapeStats(
                        OptionalCount(stats, "complete") ?? 0,
                        OptionalCount(stats, "downloaded") ?? 0,
                        OptionalCount(stats, "incomplete") ?? 0,
                        OptionalText(stats, "name"));
                }
                break;
            default:
                throw new TrackerException($"'files' is {Describe(dict["files"])}, expected a dictionary");
        }
        return new ScrapeResponse(null, files, minRequestInterval);
    }

    private static readonly IReadOnlyDictionary<IPEndPoint, PeerId> EmptyPeerIds = new Dictionary<IPEndPoint, PeerId>();

    private static BDictionary DecodeTop(ReadOnlyMemory<byte> body, string what)
    {
        if (body.IsEmpty) throw new TrackerException($"the {what} response is empty");
        BValue value;
        try
        {
            value = BencodeReader.DecodePrefix(body, out var consumed, Lenient);
            foreach (var b in body.Span[consumed..])
                if (b is not ((byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t'))
                    throw new TrackerException($"the {what} response has {body.Length - consumed} byte(s) of trailing data after the bencoded value");
        }
        catch (BencodeException e)
        {
            throw new TrackerException($"the {what} response is not valid bencode ({e.Message}); it starts with {Preview(body.Span)}", e);
        }
        return value as BDictionary
            ?? throw new TrackerException($"the {what} response is {Describe(value)}, expected a bencoded dictionary");
    }

    private static void ReadCompact(ReadOnlySpan<byte> bytes, int entrySize, string key, List<IPEndPoint> peers, HashSet<IPEndPoint> seen)
    {
        if (bytes.Length % entrySize != 0)
            throw new TrackerException($"'{key}' is {bytes.Length} bytes, not a whole number of {entrySize}-byte compact entries (truncated?)");
        var addressLength = entrySize - 2;
        for (var offset = 0; offset < bytes.Length; offset += entrySize)
        {
            var port = BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(offset + addressLength, 2));
            if (port == 0) continue;
            Add(new IPEndPoint(new IPAddress(bytes.Slice(offset, addressLength)), port), peers, seen);
        }
    }

    private static void ReadDictionaryPeers(BList list, List<IPEndPoint> peers, HashSet<IPEndPoint> seen, ref Dictionary<IPEndPoint, PeerId>? peerIds)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not BDictionary peer)
                throw new TrackerException($"peer {i} in 'peers' is {Describe(list[i])}, expected a dictionary");
            if (peer["ip"] is not BString ip)
                throw new TrackerException($"peer {i} in 'peers' has {(peer["ip"] is null ? "no 'ip'" : "an 'ip' that is " + Describe(peer["ip"]))}, expected a string");
            if (peer["port"] is not BInteger port)
                throw new TrackerException($"peer {i} in 'peers' has {(peer["port"] is null ? "no 'port'" : "a 'port' that is " + Describe(peer["port"]))}, expected an integer");
            if (port.Value is < 0 or > 65535)
                throw new TrackerException($"peer {i} in 'peers' has port {port.Value}, outside 0-65535");
            PeerId? id = null;
            switch (peer["peer id"])
            {
                case null: break;
                case BString s when s.Bytes.Length == PeerId.Length: id = PeerId.FromBytes(s.Bytes.Span); break;
                default: throw new TrackerException($"peer {i} in 'peers' has a 'peer id' that is not a {PeerId.Length}-byte string");
            }
            // BEP 3 allows DNS names here; resolving them is I/O, so such peers are skipped.
            if (port.Value == 0 || !IPAddress.TryParse(Encoding.ASCII.GetString(ip.Bytes.Span), out var address)) continue;
            if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
            var endpoint = new IPEndPoint(address, (int)port.Value);
            if (!Add(endpoint, peers, seen)) continue;
            if (id is not null) (peerIds ??= new Dictionary<IPEndPoint, PeerId>())[endpoint] = id;
        }
    }

    private static bool Add(IPEndPoint endpoint, List<IPEndPoint> peers, HashSet<IPEndPoint> seen)
    {
        if (!seen.Add(endpoint)) return false;
        peers.Add(endpoint);
        return true;
    }

    private static string? OptionalText(BDictionary dict, string key) => dict[key] switch
    {
        null => null,
        BString s => s.Text,
        var other => throw new TrackerException($"'{key}' is {Describe(other)}, expected a string"),
    };

    private static TimeSpan? OptionalSeconds(BDictionary dict, string key)
    {
        switch (dict[key])
        {
            case null: return null;
            case BInteger i when i.Value >= 0 && i.Value <= (long)MaxInterval.TotalSeconds: return TimeSpan.FromSeconds(i.Value);
            case BInteger i: throw new TrackerException($"'{key}' is {i.Value} seconds, outside 0 to {(long)MaxInterval.TotalSeconds}");
            case var other: throw new TrackerException($"'{key}' is {Describe(other)}, expected an integer number of seconds");
        }
    }

    private static int? OptionalCount(BDictionary dict, string key)
    {
        switch (dict[key])
        {
            case null: return null;
            case BInteger i when i.Value is >= 0 and <= int.MaxValue: return (int)i.Value;
            case BInteger i: throw new TrackerException($"'{key}' is {i.Value}, outside 0 to {int.MaxValue}");
            case var other: throw new TrackerException($"'{key}' is {Describe(other)}, expected an integer");
        }
    }

    private static string Describe(BValue? value) => value switch
    {
        null => "missing",
        BInteger => "an integer",
        BString => "a string",
        BList => "a list",
        BDictionary => "a dictionary",
        _ => "an unknown value",
    };

    private static string Preview(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder("'");
        foreach (var b in bytes[..Math.Min(bytes.Length, 24)])
            sb.Append(b is >= 0x20 and < 0x7f ? (char)b : '.');
        return sb.Append(bytes.Length > 24 ? "...'" : "'").ToString();
    }
}
