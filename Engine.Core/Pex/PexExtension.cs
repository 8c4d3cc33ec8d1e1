using System.Net;
using Engine.Core.Extensions;

namespace Engine.Core.Pex;

/// <summary>
/// ut_pex (BEP 11) on one connection, as a BEP 10 extension module. Our side hands it the torrent's current peers
/// (<see cref="PexUpdate"/>, once a minute): it sends the peer what changed since the last message it sent — at most 50
/// added (with flags) and 50 dropped, at most once a minute. The second message names again, after what is new, the
/// peers the first one did: lftp drops every PEX message that comes within a minute of the connection, and our first
/// comes seconds after the handshake. What the peer sends is told to the engine
/// (<see cref="PexPeersLearnt"/>) unless it comes too soon after the previous message (a peer may not flood us).
/// </summary>
internal sealed class PexExtension : PeerExtension
{
    public const string Name = "ut_pex";
    public const int MaxPerMessage = 50;
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>Messages closer together than this are ignored (libtorrent sends one a minute).</summary>
    public static readonly TimeSpan MinReceiveGap = TimeSpan.FromSeconds(20);

    private readonly HashSet<IPEndPoint> _told = new();
    private DateTimeOffset? _lastSent, _lastReceived;
    private int _sentCount;
    private PexUpdate? _waiting; // the peers as they were when an update came before the peer's extension handshake

    /// <summary>An update that came before the peer's extension handshake goes out when the handshake arrives, not a minute later.</summary>
    public override void OnHandshake(ExtensionHandshake theirs, ExtensionLink link)
    {
        if (_waiting is not { } update) return;
        _waiting = null;
        OnLocal(update, link);
    }

    public override void OnLocal(object input, ExtensionLink link)
    {
        if (input is not PexUpdate update) return;
        if (!link.Supported)
        {
            _waiting = update;
            return;
        }
        if (_lastSent is { } last && link.Now - last < Interval) return;
        var current = update.Peers.ToDictionary(p => p.EndPoint);
        var fresh = current.Values.Where(p => !_told.Contains(p.EndPoint));
        var added = (_sentCount == 1 ? fresh.Concat(current.Values.Where(p => _told.Contains(p.EndPoint))) : fresh).Take(MaxPerMessage).ToList();
        var dropped = _told.Where(e => !current.ContainsKey(e)).Take(MaxPerMessage).ToList();
        if (added.Count == 0 && dropped.Count == 0) return;
        foreach (var a in added) _told.Add(a.EndPoint);
        foreach (var d in dropped) _told.Remove(d);
        link.Send(new PexMessage(added, dropped).Encode());
        _lastSent = link.Now;
        _sentCount++;
    }

    public override void OnMessage(ReadOnlyMemory<byte> payload, ExtensionLink link)
    {
        if (_lastReceived is { } last && link.Now - last < MinReceiveGap) return;
        _lastReceived = link.Now;
        if (PexMessage.TryDecode(payload) is not { } message || message.Added.Count == 0) return;
        link.Notify(new PexPeersLearnt(message.Added.Take(MaxPerMessage).ToList()));
    }
}

/// <summary>To a connection's ut_pex: the torrent's peers now (the connection's own peer left out).</summary>
internal sealed record PexUpdate(IReadOnlyList<PexPeer> Peers);

/// <summary>From a connection's ut_pex: peers the remote peer told us of.</summary>
internal sealed record PexPeersLearnt(IReadOnlyList<PexPeer> Peers);
