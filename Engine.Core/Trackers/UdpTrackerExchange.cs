using System.Buffers.Binary;
using System.Net;
using Engine.Core.Primitives;

namespace Engine.Core.Trackers;

/// <summary>
/// One announce or scrape against a UDP tracker (BEP 15), as a pure state machine: the caller sends the packets
/// it is handed, runs the timer, and feeds back packets from the tracker and timeouts.
/// <list type="bullet">
/// <item>A cached connection id younger than the cache's lifetime is reused; otherwise a connect comes first.</item>
/// <item>An unanswered packet is sent again after <c>base · 2ⁿ</c> (n = timeouts so far, over the whole exchange);
/// after <see cref="UdpRetryPolicy.MaxRetransmits"/> retransmissions the exchange fails. A request whose connection
/// id expired while waiting starts over with a connect.</item>
/// <item>Packets of another transaction are ignored; an error (action 3) to a request made with a reused id drops
/// that id and reconnects once (the tracker may have expired it early), otherwise it is the answer.</item>
/// </list>
/// </summary>
internal sealed class UdpTrackerExchange
{
    private enum Phase { NotStarted, Connecting, Requesting, Finished }

    private readonly AnnounceRequest? _announce;
    private readonly IReadOnlyList<InfoHash>? _scrape;
    private readonly UdpConnectionCache _cache;
    private readonly UdpRetryPolicy _policy;
    private readonly Random _random;
    private Phase _phase;
    private int _timeouts;
    private bool _idReused, _reconnected;
    private byte[] _packet = [];

    private UdpTrackerExchange(IPEndPoint tracker, AnnounceRequest? announce, IReadOnlyList<InfoHash>? scrape,
        UdpConnectionCache cache, UdpRetryPolicy policy, Random random)
    {
        Tracker = tracker;
        _announce = announce;
        _scrape = scrape;
        _cache = cache;
        _policy = policy;
        _random = random;
    }

    public static UdpTrackerExchange ForAnnounce(IPEndPoint tracker, AnnounceRequest request, UdpConnectionCache cache, UdpRetryPolicy policy, Random random)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new UdpTrackerExchange(tracker, request, null, cache, policy, random);
    }

    public static UdpTrackerExchange ForScrape(IPEndPoint tracker, IReadOnlyList<InfoHash> infoHashes, UdpConnectionCache cache, UdpRetryPolicy policy, Random random)
    {
        ArgumentNullException.ThrowIfNull(infoHashes);
        if (infoHashes.Count is 0 or > UdpTrackerCodec.MaxScrapeHashes)
            throw new ArgumentOutOfRangeException(nameof(infoHashes), $"a UDP scrape carries 1 to {UdpTrackerCodec.MaxScrapeHashes} info-hashes, got {infoHashes.Count}");
        return new UdpTrackerExchange(tracker, null, infoHashes, cache, policy, random);
    }

    public IPEndPoint Tracker { get; }

    /// <summary>The transaction id of the packet in flight (0 before <see cref="Start"/>).</summary>
    public int TransactionId { get; private set; }

    /// <summary>Packets sent so far (first sends and retransmissions).</summary>
    public int PacketsSent { get; private set; }

    public bool IsFinished => _phase == Phase.Finished;

    private UdpAction RequestAction => _announce is not null ? UdpAction.Announce : UdpAction.Scrape;

    private TimeSpan CurrentTimeout => TimeSpan.FromTicks(_policy.RetransmitBase.Ticks << Math.Min(_timeouts, 30));

    public UdpExchangeStep Start(DateTimeOffset now)
    {
        if (_phase != Phase.NotStarted) throw new InvalidOperationException("the exchange is already started");
        if (_cache.TryGet(Tracker, now, out var id))
        {
            _idReused = true;
            return SendRequest(id);
        }
        return SendConnect();
    }

    /// <summary>The timer fired: retransmit (reconnecting first if the connection id expired meanwhile), or give up.</summary>
    public UdpExchangeStep OnTimeout(DateTimeOffset now)
    {
        if (_phase is Phase.Finished or Phase.NotStarted) return UdpWaitStep.Instance;
        _timeouts++;
        if (_timeouts > _policy.MaxRetransmits)
        {
            _phase = Phase.Finished;
            var waited = TimeSpan.FromTicks(_policy.RetransmitBase.Ticks * ((1L << Math.Min(_timeouts, 30)) - 1));
            return new UdpFailedStep($"no answer from the UDP tracker {Tracker} after {PacketsSent} packet(s) over {waited.TotalSeconds:0.#} s");
        }
        if (_phase == Phase.Requesting && !_cache.TryGet(Tracker, now, out _))
        {
            _idReused = false;
            return SendConnect();
        }
        PacketsSent++;
        return new UdpSendStep(_packet, CurrentTimeout);
    }

    /// <summary>A datagram from the tracker's endpoint.</summary>
    public UdpExchangeStep OnPacket(ReadOnlySpan<byte> packet, DateTimeOffset now)
    {
        if (_phase is Phase.Finished or Phase.NotStarted) return UdpWaitStep.Instance;
        // A packet of another transaction (late, duplicated or spoofed) is ignored even when it is garbage.
        if (packet.Length >= UdpTrackerCodec.ErrorHeaderLength && BinaryPrimitives.ReadInt32BigEndian(packet[4..]) != TransactionId)
            return UdpWaitStep.Instance;
        UdpResponse response;
        try
        {
            response = UdpTrackerCodec.ReadResponse(packet, _phase == Phase.Connecting ? UdpAction.Connect : RequestAction,
                TransactionId, IpFamilies.Of(Tracker));
        }
        catch (TrackerException e)
        {
            return Fail(e.Message);
        }
        switch (response)
        {
            case UdpTransactionMismatch:
                return UdpWaitStep.Instance;
            case UdpConnectResponse connect:
                _cache.Store(Tracker, connect.ConnectionId, now);
                _idReused = false;
                return SendRequest(connect.ConnectionId);
            case UdpErrorResponse when _phase == Phase.Requesting && _idReused && !_reconnected:
                _cache.Forget(Tracker);
                _reconnected = true;
                _idReused = false;
                return SendConnect();
            case UdpErrorResponse error:
                _phase = Phase.Finished;
                return _announce is not null
                    ? new UdpAnnouncedStep(error.ToAnnounceResponse())
                    : new UdpScrapedStep(new ScrapeResponse(error.Message, new Dictionary<InfoHash, ScrapeStats>(), null));
            case UdpAnnounceResponse announce:
                _phase = Phase.Finished;
                return new UdpAnnouncedStep(announce.ToAnnounceResponse());
            case UdpScrapeResponse scrape:
                try
                {
                    var result = scrape.ToScrapeResponse(_scrape!);
                    _phase = Phase.Finished;
                    return new UdpScrapedStep(result);
                }
                catch (TrackerException e)
                {
                    return Fail(e.Message);
                }
            default:
                return Fail($"unexpected UDP tracker response {response.GetType().Name}");
        }
    }

    private UdpFailedStep Fail(string error)
    {
        _phase = Phase.Finished;
        return new UdpFailedStep(error);
    }

    private UdpSendStep SendConnect()
    {
        _phase = Phase.Connecting;
        TransactionId = NextTransactionId();
        _packet = new byte[UdpTrackerCodec.ConnectRequestLength];
        UdpTrackerCodec.WriteConnectRequest(_packet, TransactionId);
        PacketsSent++;
        return new UdpSendStep(_packet, CurrentTimeout);
    }

    private UdpSendStep SendRequest(long connectionId)
    {
        _phase = Phase.Requesting;
        TransactionId = NextTransactionId();
        if (_announce is not null)
        {
            _packet = new byte[UdpTrackerCodec.AnnounceRequestLength];
            UdpTrackerCodec.WriteAnnounceRequest(_packet, connectionId, TransactionId, _announce);
        }
        else
        {
            _packet = new byte[UdpTrackerCodec.ScrapeRequestHeaderLength + _scrape!.Count * InfoHash.Length];
            UdpTrackerCodec.WriteScrapeRequest(_packet, connectionId, TransactionId, _scrape);
        }
        PacketsSent++;
        return new UdpSendStep(_packet, CurrentTimeout);
    }

    private int NextTransactionId()
    {
        int id;
        do id = _random.Next(int.MinValue, int.MaxValue);
        while (id == TransactionId);
        return id;
    }
}

/// <summary>BEP 15 retransmission: wait <see cref="RetransmitBase"/> · 2ⁿ, at most <see cref="MaxRetransmits"/> times.</summary>
internal sealed record UdpRetryPolicy(TimeSpan RetransmitBase, int MaxRetransmits)
{
    public static UdpRetryPolicy From(TrackerSettings settings) => new(settings.UdpRetransmitBase, settings.UdpMaxRetransmits);
}
