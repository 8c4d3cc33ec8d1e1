using System.Net;
using Akka.Event;
using Engine.Core.Peers;

namespace Engine.Peers;

/// <summary>
/// Our own endpoints, from what peers say they see us at (BEP 10 <c>yourip</c>): our address there with our listen
/// port is us, so a tracker, PEX or DHT that lists it back is not dialled (libtorrent's PEX names every recipient to
/// itself). At most <see cref="MaxOwnAddresses"/> addresses are believed, so lying peers can strike out only a few
/// endpoints, each with our own listen port.
/// </summary>
internal sealed partial class PeerManager
{
    private readonly HashSet<IPAddress> _ownAddresses = new();
    private const int MaxOwnAddresses = 8;

    private void OwnAddressReceives() => Receive<YourAddressReported>(m =>
    {
        if (_ctx.ListenPort is <= 0 or > 65535 || !_peers.ContainsKey(Sender) || _ownAddresses.Count >= MaxOwnAddresses) return;
        var address = m.Address.IsIPv4MappedToIPv6 ? m.Address.MapToIPv4() : m.Address;
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || !_ownAddresses.Add(address)) return;
        _book.MarkOwn(new IPEndPoint(address, _ctx.ListenPort));
        Context.GetLogger().Debug("a peer sees us at {0}: {0}:{1} is ours, not dialled", address, _ctx.ListenPort);
    });
}
