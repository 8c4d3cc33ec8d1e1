using System.Net;
using Engine.Core.Extensions;

namespace Engine.Core.Holepunch;

/// <summary>
/// <c>ut_holepunch</c> (BEP 55) on one connection, as a BEP 10 extension module. It only carries messages: what the peer
/// sends is told to the engine (<see cref="HolepunchRendezvousAsked"/>, <see cref="HolepunchConnectAsked"/>,
/// <see cref="HolepunchFailed"/>), which decides (<see cref="HolepunchRelay"/>) and hands back messages to send
/// (<see cref="HolepunchSend"/>). A malformed message is ignored; rendezvous requests are rate-limited per connection.
/// </summary>
internal sealed class HolepunchExtension : PeerExtension
{
    public const string Name = "ut_holepunch";

    /// <summary>Rendezvous requests a peer may make per <see cref="RendezvousWindow"/>; more are ignored.</summary>
    public const int MaxRendezvousPerWindow = 10;
    public static readonly TimeSpan RendezvousWindow = TimeSpan.FromMinutes(1);

    private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    private int _inWindow;

    public override void OnHandshake(ExtensionHandshake theirs, ExtensionLink link) => link.Notify(new HolepunchSupport(link.Supported));

    public override void OnMessage(ReadOnlyMemory<byte> payload, ExtensionLink link)
    {
        if (HolepunchMessage.TryDecode(payload.Span) is not { } message) return;
        switch (message.Type)
        {
            case HolepunchMessageType.Rendezvous:
                if (link.Now - _windowStart >= RendezvousWindow) (_windowStart, _inWindow) = (link.Now, 0);
                if (++_inWindow <= MaxRendezvousPerWindow) link.Notify(new HolepunchRendezvousAsked(message.EndPoint));
                break;
            case HolepunchMessageType.Connect:
                link.Notify(new HolepunchConnectAsked(message.EndPoint));
                break;
            default:
                link.Notify(new HolepunchFailed(message.EndPoint, message.Error));
                break;
        }
    }

    public override void OnLocal(object input, ExtensionLink link)
    {
        if (input is HolepunchSend send) link.Send(send.Message.Encode());
    }
}

/// <summary>From a connection's ut_holepunch: whether the peer speaks it (its extension handshake said so).</summary>
internal sealed record HolepunchSupport(bool Supported);

/// <summary>From a connection's ut_holepunch: the peer asks us, as relay, to introduce it to <paramref name="Target"/>.</summary>
internal sealed record HolepunchRendezvousAsked(IPEndPoint Target);

/// <summary>From a connection's ut_holepunch: the peer (a relay) tells us to open a uTP connection to <paramref name="Target"/> now.</summary>
internal sealed record HolepunchConnectAsked(IPEndPoint Target);

/// <summary>From a connection's ut_holepunch: the relay could not introduce us to <paramref name="Target"/>.</summary>
internal sealed record HolepunchFailed(IPEndPoint Target, HolepunchError Error);

/// <summary>To a connection's ut_holepunch: send <paramref name="Message"/> (nothing happens when the peer does not speak it).</summary>
internal sealed record HolepunchSend(HolepunchMessage Message);
