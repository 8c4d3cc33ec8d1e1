namespace Engine.Core.Utp;

/// <summary>
/// One uTP datagram taken apart: the header, the selective-ACK bitmask if there is one (extension 1; bit i says
/// <c>ack_nr + 2 + i</c> arrived, least significant bit of each byte first), and the payload. Unknown extensions are
/// skipped; a chain that runs past the end, or a selective ACK whose length is not a non-zero multiple of 4, makes the
/// datagram invalid.
/// </summary>
internal readonly ref struct UtpDatagram
{
    public const byte SelectiveAckExtension = 1;

    public UtpHeader Header { get; }
    public ReadOnlySpan<byte> SelectiveAck { get; }
    public ReadOnlySpan<byte> Payload { get; }

    private UtpDatagram(UtpHeader header, ReadOnlySpan<byte> sack, ReadOnlySpan<byte> payload)
    {
        Header = header;
        SelectiveAck = sack;
        Payload = payload;
    }

    public static bool TryParse(ReadOnlySpan<byte> packet, out UtpDatagram datagram)
    {
        datagram = default;
        if (!UtpHeader.TryRead(packet, out var header)) return false;
        var at = UtpHeader.Size;
        var next = header.Extension;
        ReadOnlySpan<byte> sack = default;
        for (var count = 0; next != 0; count++)
        {
            if (count == 8 || at + 2 > packet.Length) return false;
            var type = next;
            next = packet[at];
            int length = packet[at + 1];
            at += 2;
            if (at + length > packet.Length) return false;
            if (type == SelectiveAckExtension)
            {
                if (length == 0 || length % 4 != 0) return false;
                sack = packet.Slice(at, length);
            }
            at += length;
        }
        datagram = new UtpDatagram(header, sack, packet[at..]);
        return true;
    }
}
