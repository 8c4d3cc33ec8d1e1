using System.Net.Sockets;
using System.Net;
using Akka.Actor;
using Akka.IO;
using Engine.Actors;
using Engine.Core.Primitives;
using Engine.Core.Trackers;
using Engine.Resolving;

namespace Engine.Trackers;

/// <summary>
/// The UDP side of one <see cref="TrackerClient"/> (BEP 15): Akka.IO UDP sockets — one per local address
/// (127.0.0.1, 0.0.0.0, ::1 or ::, by the tracker's address), bound on first use — host names resolved off the actor
/// thread, and one <see cref="UdpTrackerExchange"/> per request with its retransmission timer. Connection ids are
/// cached per tracker endpoint and shared by the requests. Replies go to the sender of the request.
/// </summary>
internal sealed class UdpTrackerSocket : UntypedActor, IWithTimers
{
    public sealed record Announce(long Id, string Url, AnnounceRequest Request);
    public sealed record Scrape(long Id, string Url, IReadOnlyList<InfoHash> InfoHashes);
    public sealed record AnnounceReply(long Id, AnnounceResponse? Response, string? Error);
    public sealed record ScrapeReply(long Id, ScrapeResponse? Response, string? Error);

    private sealed record Resolved(long Id, IPAddress[]? Addresses, string? Error);
    private sealed record RetransmitDue(long Id);

    private sealed class Request(long id, IActorRef replyTo, string url, AnnounceRequest? announce, IReadOnlyList<InfoHash>? hashes)
    {
        public long Id { get; } = id;
        public IActorRef ReplyTo { get; } = replyTo;
        public string Url { get; } = url;
        public AnnounceRequest? Announce { get; } = announce;
        public IReadOnlyList<InfoHash>? Hashes { get; } = hashes;
        public IPEndPoint? Tracker { get; set; }
        public UdpTrackerExchange? Exchange { get; set; }
        public IActorRef? Socket { get; set; }
        public int TransactionId { get; set; }
    }

    private sealed class Binding
    {
        public IActorRef? Socket { get; set; }
        public List<Request> Waiting { get; } = new();
    }

    private readonly TrackerSettings _settings;
    private readonly UdpConnectionCache _cache;
    private readonly UdpRetryPolicy _policy;
    private readonly Random _random;
    private readonly Dictionary<long, Request> _requests = new();
    private readonly Dictionary<int, Request> _byTransaction = new();
    private readonly Dictionary<IPAddress, Binding> _bindings = new();

    public UdpTrackerSocket(TrackerSettings settings, int? seed = null)
    {
        _settings = settings;
        _cache = new UdpConnectionCache(settings.UdpConnectionIdLifetime);
        _policy = UdpRetryPolicy.From(settings);
        _random = seed is { } s ? new Random(s) : new Random();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Announce m: Begin(new Request(m.Id, Sender, m.Url, m.Request, null)); break;
            case Scrape m: Begin(new Request(m.Id, Sender, m.Url, null, m.InfoHashes)); break;
            case Resolved m: OnResolved(m); break;
            case Udp.Bound m: OnBound(m); break;
            case Udp.CommandFailed m: OnCommandFailed(m); break;
            case Udp.Received m: OnReceived(m); break;
            case RetransmitDue m:
                if (_requests.TryGetValue(m.Id, out var r) && r.Exchange is not null)
                    Apply(r, r.Exchange.OnTimeout(Now));
                break;
            case Udp.Unbound: break;
            default: Unhandled(message); break;
        }
    }

    public static Props Props(TrackerSettings settings, int? seed = null) => ActorProps.Of(() => new UdpTrackerSocket(settings, seed));

    /// <summary>Requests in progress (tests).</summary>
    internal int InFlight => _requests.Count;

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    protected override void PostStop()
    {
        foreach (var binding in _bindings.Values) binding.Socket?.Tell(Udp.Unbind.Instance);
    }

    private void Begin(Request request)
    {
        if (_requests.ContainsKey(request.Id))
        {
            Reply(request, null, $"request id {request.Id} is already in use");
            return;
        }
        if (!TrackerUrl.TryParseUdp(request.Url, out var host, out var port, out var error))
        {
            Reply(request, null, error);
            return;
        }
        if (request.Hashes is { Count: 0 or > UdpTrackerCodec.MaxScrapeHashes })
        {
            Reply(request, null, $"a UDP scrape carries 1 to {UdpTrackerCodec.MaxScrapeHashes} info-hashes, got {request.Hashes.Count}");
            return;
        }
        _requests[request.Id] = request;
        request.Tracker = new IPEndPoint(IPAddress.None, port);
        if (IPAddress.TryParse(host, out var literal))
        {
            Self.Tell(new Resolved(request.Id, [literal], null));
            return;
        }
        var id = request.Id;
        var timeout = _settings.RequestTimeout;
        Resolve(host, timeout).PipeTo(Self,
            success: addresses => new Resolved(id, addresses, addresses.Length == 0 ? $"{host} has no address" : null),
            failure: e => new Resolved(id, null, $"cannot resolve {host}: {e.GetBaseException().Message}"));
    }

    private static Task<IPAddress[]> Resolve(string host, TimeSpan timeout) => HostLookup.Shared.ResolveAsync(host, timeout);

    private void OnResolved(Resolved m)
    {
        if (!_requests.TryGetValue(m.Id, out var request)) return;
        if (m.Addresses is null || m.Error is not null)
        {
            Finish(request, null, m.Error ?? "no address");
            return;
        }
        // IPv4 first: a host with both often has no working IPv6 route.
        var address = Array.Find(m.Addresses, a => a.AddressFamily == AddressFamily.InterNetwork)
                      ?? Array.Find(m.Addresses, a => a.AddressFamily == AddressFamily.InterNetworkV6);
        if (address is null)
        {
            Finish(request, null, "the tracker has no IPv4 or IPv6 address");
            return;
        }
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        request.Tracker = new IPEndPoint(address, request.Tracker!.Port);
        var local = LocalAddressFor(address);
        if (!_bindings.TryGetValue(local, out var binding))
        {
            binding = new Binding();
            _bindings[local] = binding;
            Context.System.Udp().Tell(new Udp.Bind(Self, new IPEndPoint(local, 0)));
        }
        if (binding.Socket is null) binding.Waiting.Add(request);
        else Start(request, binding.Socket);
    }

    /// <summary>Loopback trackers are reached from a loopback socket, others from the wildcard address of their family.</summary>
    private static IPAddress LocalAddressFor(IPAddress tracker) =>
        tracker.AddressFamily == AddressFamily.InterNetworkV6
            ? IPAddress.IsLoopback(tracker) ? IPAddress.IPv6Loopback : IPAddress.IPv6Any
            : IPAddress.IsLoopback(tracker) ? IPAddress.Loopback : IPAddress.Any;

    private void OnBound(Udp.Bound m)
    {
        var local = ((IPEndPoint)m.LocalAddress).Address;
        if (!_bindings.TryGetValue(local, out var binding))
        {
            Sender.Tell(Udp.Unbind.Instance);
            return;
        }
        binding.Socket = Sender;
        foreach (var request in binding.Waiting)
            if (_requests.ContainsKey(request.Id)) Start(request, Sender);
        binding.Waiting.Clear();
    }

    private void OnCommandFailed(Udp.CommandFailed m)
    {
        if (m.Cmd is not Udp.Bind bind) return;
        var local = ((IPEndPoint)bind.LocalAddress).Address;
        if (!_bindings.Remove(local, out var binding)) return;
        foreach (var request in binding.Waiting)
            Finish(request, null, $"cannot open a UDP socket on {local}");
    }

    private void Start(Request request, IActorRef socket)
    {
        request.Socket = socket;
        request.Exchange = request.Announce is not null
            ? UdpTrackerExchange.ForAnnounce(request.Tracker!, request.Announce, _cache, _policy, _random)
            : UdpTrackerExchange.ForScrape(request.Tracker!, request.Hashes!, _cache, _policy, _random);
        Apply(request, request.Exchange.Start(Now));
    }

    private void OnReceived(Udp.Received m)
    {
        // Tracker answers are a few per torrent and interval: copying them out is fine.
        var data = m.Data.ToArray();
        if (data.Length < UdpTrackerCodec.ErrorHeaderLength) return;
        var transactionId = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4));
        if (!_byTransaction.TryGetValue(transactionId, out var request) || request.Exchange is null) return;
        if (m.Sender is not IPEndPoint from || !SameEndPoint(from, request.Tracker!)) return; // not from that tracker
        Apply(request, request.Exchange.OnPacket(data, Now));
    }

    private static bool SameEndPoint(IPEndPoint a, IPEndPoint b)
    {
        var x = a.Address.IsIPv4MappedToIPv6 ? a.Address.MapToIPv4() : a.Address;
        var y = b.Address.IsIPv4MappedToIPv6 ? b.Address.MapToIPv4() : b.Address;
        return a.Port == b.Port && x.Equals(y);
    }

    private void Apply(Request request, UdpExchangeStep step)
    {
        switch (step)
        {
            case UdpSendStep send:
                Index(request);
                request.Socket!.Tell(Udp.Send.Create(ByteString.FromBytes(send.Packet), request.Tracker!));
                Timers.StartSingleTimer(request.Id, new RetransmitDue(request.Id), send.Timeout);
                break;
            case UdpAnnouncedStep announced:
                Finish(request, announced.Response, null);
                break;
            case UdpScrapedStep scraped:
                Finish(request, scraped.Response, null);
                break;
            case UdpFailedStep failed:
                Finish(request, null, failed.Error);
                break;
        }
    }

    private void Index(Request request)
    {
        if (request.TransactionId != 0 && _byTransaction.TryGetValue(request.TransactionId, out var old) && ReferenceEquals(old, request))
            _byTransaction.Remove(request.TransactionId);
        request.TransactionId = request.Exchange!.TransactionId;
        _byTransaction[request.TransactionId] = request;
    }

    private void Finish(Request request, object? response, string? error)
    {
        _requests.Remove(request.Id);
        if (_byTransaction.TryGetValue(request.TransactionId, out var r) && ReferenceEquals(r, request))
            _byTransaction.Remove(request.TransactionId);
        Timers.Cancel(request.Id);
        Reply(request, response, error);
    }

    private static void Reply(Request request, object? response, string? error)
    {
        if (request.Announce is not null) request.ReplyTo.Tell(new AnnounceReply(request.Id, response as AnnounceResponse, error));
        else request.ReplyTo.Tell(new ScrapeReply(request.Id, response as ScrapeResponse, error));
    }
}
