using System.Net;
using Engine.Core.Primitives;

namespace Engine.Core.Trackers;

/// <summary>A UDP tracker response (BEP 15) as a client reads it.</summary>
internal abstract record UdpResponse(int TransactionId);

/// <summary>Action 0: the connection id to use in announces and scrapes for the next minute or two.</summary>
internal sealed record UdpConnectResponse(int TransactionId, long ConnectionId) : UdpResponse(TransactionId);

/// <summary>Action 1. <see cref="Peers"/> are IPv4 (6-byte entries) or IPv6 (18-byte entries) by the address
/// family the announce was sent over; duplicates and port-0 entries are removed.</summary>
internal sealed record UdpAnnounceResponse(int TransactionId, TimeSpan Interval, int Leechers, int Seeders, IReadOnlyList<IPEndPoint> Peers)
    : UdpResponse(TransactionId)
{
    /// <summary>The same content in the form the HTTP codec produces.</summary>
    public AnnounceResponse ToAnnounceResponse() =>
        new(null, null, Interval, null, null, Seeders, Leechers, Peers, new Dictionary<IPEndPoint, PeerId>());
}

/// <summary>Action 2: one entry per requested info-hash, in the request's order.</summary>
internal sealed record UdpScrapeResponse(int TransactionId, IReadOnlyList<ScrapeStats> Entries) : UdpResponse(TransactionId)
{
    /// <summary>Pairs the entries with the hashes that were asked for; a count mismatch is a <see cref="TrackerException"/>.</summary>
    public ScrapeResponse ToScrapeResponse(IReadOnlyList<InfoHash> requested)
    {
        if (requested.Count != Entries.Count)
            throw new TrackerException($"the UDP scrape response has {Entries.Count} entries for {requested.Count} requested info-hashes");
        var files = new Dictionary<InfoHash, ScrapeStats>(requested.Count);
        for (var i = 0; i < requested.Count; i++) files[requested[i]] = Entries[i];
        return new ScrapeResponse(null, files, null);
    }
}

/// <summary>Action 3: the tracker refused the request.</summary>
internal sealed record UdpErrorResponse(int TransactionId, string Message) : UdpResponse(TransactionId)
{
    public AnnounceResponse ToAnnounceResponse() =>
        new(Message, null, TimeSpan.Zero, null, null, null, null, Array.Empty<IPEndPoint>(), new Dictionary<IPEndPoint, PeerId>());
}

/// <summary>
/// A well-formed packet for another transaction (a late or duplicated reply, or a spoofed one): the client
/// should ignore it and keep waiting. Returned instead of thrown so that waiting loops stay simple.
/// </summary>
internal sealed record UdpTransactionMismatch(int TransactionId, int Expected) : UdpResponse(TransactionId);
