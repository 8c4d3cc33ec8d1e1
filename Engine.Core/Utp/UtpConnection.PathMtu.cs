namespace Engine.Core.Utp;

internal sealed partial class UtpConnection
{
    private int _pathPayload;

    /// <summary>
    /// The payload of the packets we fill now: <see cref="UtpSettings.PacketPayload"/>, or less once the path said it
    /// takes less (<see cref="OnPacketTooBig"/>).
    /// </summary>
    public int PacketPayload => _pathPayload > 0 ? _pathPayload : _settings.PacketPayload;

    /// <summary>The least a "packet too big" can shrink our packets to: IPv4's minimum MTU (576) less IP, UDP and uTP headers.</summary>
    public const int MinPacketPayload = 576 - 20 - 8 - UtpHeader.Size;

    /// <summary>
    /// A router on the way said our datagrams are too big for the next hop (ICMP "fragmentation needed" or ICMPv6 "packet
    /// too big"; <paramref name="maxPayload"/> is what fits, its MTU less the headers). The kernel now fragments what is
    /// larger, and fragments are what NATs and firewalls lose first, so the packets not yet numbered are cut to fit and
    /// new ones are filled to that size; packets already sent keep theirs (their numbers are taken), fragmented when resent.
    /// </summary>
    public void OnPacketTooBig(int maxPayload)
    {
        var payload = Math.Clamp(maxPayload, MinPacketPayload, _settings.PacketPayload);
        if (IsFinished || payload >= PacketPayload) return;
        _pathPayload = payload;
        if (_unsent.Count == 0) return;
        var queued = _unsent.ToArray();
        _unsent.Clear();
        _tail = null;
        foreach (var packet in queued)
        {
            if (packet.Type != UtpPacketType.Data || packet.PayloadLength <= payload)
            {
                Queue(packet);
                if (packet.Type == UtpPacketType.Data) _tail = packet;
                continue;
            }
            var data = packet.Buffer.AsSpan(UtpHeader.Size, packet.PayloadLength);
            while (!data.IsEmpty)
            {
                var piece = new UtpOutPacket(UtpPacketType.Data, payload);
                var n = Math.Min(data.Length, payload);
                data[..n].CopyTo(piece.Free);
                piece.PayloadLength = n;
                Queue(_tail = piece);
                data = data[n..];
            }
            packet.Release();
        }
    }
}
