using System.Net;
using Akka.Event;
using Engine.Core.Peers;

namespace Engine.Peers;

/// <summary>
/// Our own endpoints, from what peers say they see us at (BEP 10 <c>yourip</c>): our address there with our listen
/// port is us, so a tracker, PEX or DHT that lists it back is not dialled (libtorrent's PEX names every recipient to
/// itself). The book believes at most <see cref="PeerBook.MaxOwn"/>, so lying peers can strike out only a few
/// endpoints, each with our own listen port.
/// </summary>
internal sealed partial class PeerManager
{
    private void OnYourAddress(YourAddressReported m)
    {
        if (_ctx.ListenPort is <= 0 or > 65535 || !_peers.ContainsKey(Sender)) return;
        if (m.Address.Equals(IPAddress.Any) || m.Address.Equals(IPAddress.IPv6Any)) return;
        if (_book.MarkOwn(new IPEndPoint(m.Address, _ctx.ListenPort)))
            Context.GetLogger().Debug("a peer sees us at {0}: {0}:{1} is ours, not dialled", m.Address, _ctx.ListenPort);
    }
}
