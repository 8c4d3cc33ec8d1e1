using System.Net;
using System.Security.Cryptography;
using Engine.Core.Trackers;

namespace Engine.TrackerServer;

/// <summary>
/// Our tracker: HTTP (announce, scrape, catalog, publish) and UDP (BEP 15) in front of one
/// <see cref="TrackerRegistry"/>, with a timer that expires silent peers. Plain async code (an edge of the
/// system, not an actor). See docs/tracker.md.
/// </summary>
public sealed class TrackerServer : IAsyncDisposable
{
    private readonly RegistryGate _gate;
    private readonly ConnectionIds _connectionIds;
    private readonly TimeProvider _time;
    private TrackerHttpServer? _http;
    private TrackerUdpServer? _udp;
    private ITimer? _expiry;

    /// <summary>A tracker with these options (null: the defaults), on the system clock.</summary>
    public TrackerServer(TrackerOptions? options = null) : this(options, null, null, null) { }

    internal TrackerServer(TrackerOptions? options, TimeProvider? time, Random? random = null, ConnectionIds? connectionIds = null)
    {
        _time = time ?? TimeProvider.System;
        _gate = new RegistryGate(new TrackerRegistry(options ?? new TrackerOptions(), random ?? new Random()), _time);
        _connectionIds = connectionIds ?? new ConnectionIds(RandomNumberGenerator.GetBytes(32));
    }

    /// <summary>
    /// The registry. It is not thread-safe and the servers use it concurrently: read or change it only through
    /// <see cref="WithRegistry{T}"/>.
    /// </summary>
    internal TrackerRegistry Registry => _gate.Registry;

    /// <summary>Runs <paramref name="action"/> under the registry's lock with the server's clock.</summary>
    internal T WithRegistry<T>(Func<TrackerRegistry, DateTimeOffset, T> action) => _gate.Run(action);

    /// <summary>The HTTP server, once started (tests look at its connections and body budget).</summary>
    internal TrackerHttpServer? Http => _http;

    /// <summary>Where the HTTP server listens (port resolved when 0 was asked), or null.</summary>
    public IPEndPoint? HttpEndPoint => _http?.LocalEndPoint;

    /// <summary>Where the UDP server listens, or null.</summary>
    public IPEndPoint? UdpEndPoint => _udp?.LocalEndPoint;

    /// <summary>Announce URLs clients can use (null for a server not started).</summary>
    public string? HttpAnnounceUrl => HttpEndPoint is { } e ? $"http://{Format(e)}/announce" : null;

    public string? UdpAnnounceUrl => UdpEndPoint is { } e ? $"udp://{Format(e)}/announce" : null;

    /// <summary>UDP packets dropped without an answer so far.</summary>
    public long UdpDropped => _udp?.Dropped ?? 0;

    /// <summary>Torrents the tracker knows now (with peers, or published to its catalog).</summary>
    public int TorrentCount => WithRegistry((r, _) => r.TorrentCount);

    /// <summary>Peers of all torrents together now.</summary>
    public int PeerCount => WithRegistry((r, _) => r.PeerCount);

    /// <summary>Binds and starts the servers (either may be null to leave it off). Port 0 picks a free port.</summary>
    public Task StartAsync(IPEndPoint? http, IPEndPoint? udp, CancellationToken cancellationToken = default)
    {
        if (_http is not null || _udp is not null) throw new InvalidOperationException("the tracker is already started");
        if (http is null && udp is null) throw new ArgumentException("start at least one of the HTTP and UDP servers");
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var options = Registry.Options;
            if (http is not null)
                _http = TrackerHttpServer.For(http, _gate);
            if (udp is not null) _udp = new TrackerUdpServer(udp, _gate, _connectionIds);
        }
        catch
        {
            _ = DisposeAsync();
            throw;
        }
        var period = TimeSpan.FromTicks(Math.Clamp(Registry.Options.PeerTimeout.Ticks / 4, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromMinutes(1).Ticks));
        _expiry = _time.CreateTimer(_ => _gate.Run((r, now) => r.Expire(now)), null, period, period);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_expiry is not null) await _expiry.DisposeAsync();
        if (_http is not null) await _http.DisposeAsync();
        if (_udp is not null) await _udp.DisposeAsync();
        _expiry = null;
    }

    /// <summary>An endpoint as an announce URL's host: a wildcard reads as the loopback address.</summary>
    internal static string Format(IPEndPoint e) =>
        e.Address.Equals(IPAddress.Any) ? $"127.0.0.1:{e.Port}" :
        e.Address.Equals(IPAddress.IPv6Any) ? $"[::1]:{e.Port}" : e.ToString();
}
