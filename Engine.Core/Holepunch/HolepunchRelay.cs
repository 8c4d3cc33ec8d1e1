namespace Engine.Core.Holepunch;

/// <summary>
/// The relay's answer to a rendezvous (BEP 55), from what it knows of the target endpoint: <see cref="HolepunchError.None"/>
/// means "send connect to both". The checks follow the order libtorrent uses: unknown, not connected, no support, self.
/// </summary>
internal static class HolepunchRelay
{
    /// <param name="known">The target endpoint is a peer we know of (connected or in the book).</param>
    /// <param name="connected">We have a live connection to it.</param>
    /// <param name="supportsHolepunch">Its extension handshake named ut_holepunch.</param>
    /// <param name="isAsker">The target is the connection that asked.</param>
    public static HolepunchError Answer(bool known, bool connected, bool supportsHolepunch, bool isAsker) =>
        !known ? HolepunchError.NoSuchPeer
        : !connected ? HolepunchError.NotConnected
        : isAsker ? HolepunchError.NoSelf
        : !supportsHolepunch ? HolepunchError.NoSupport
        : HolepunchError.None;

    /// <summary>A one-line reason for a failed rendezvous, for logs and peer status.</summary>
    public static string Describe(HolepunchError error) => error switch
    {
        HolepunchError.NoSuchPeer => "the relay knows no such peer",
        HolepunchError.NotConnected => "the relay is not connected to the peer",
        HolepunchError.NoSupport => "the peer does not support ut_holepunch",
        HolepunchError.NoSelf => "the target is the asking peer itself",
        _ => "no error",
    };
}
