namespace Engine.Core.Utp;

/// <summary>
/// One uTP datagram taken apart: the header, the selective-ACK bitmask if there is one (extension 1; bit i says
/// <c>ack_nr + 2 + i</c> arrived, least significant bit of each byte first), and the payload. Unknown extensions are
/// skipped; a chain that runs past the end makes the datagram invalid. A selective ACK of any length is taken: BEP 29
/// asks for a multiple of 4 bytes, but libtorrent sends as many bytes as its bitmask needs (3, 5, …), and refusing those
/// packets threw away every ACK it sent once a packet was lost (a leecher's connection then stalled in timeouts).
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
            if (type == SelectiveAckExtension) sack = packet.Slice(at, length);
            at += length;
        }
        datagram = new UtpDatagram(header, sack, packet[at..]);
        return true;
    }
}
