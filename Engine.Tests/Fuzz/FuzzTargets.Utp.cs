using Engine.Core.Utp;

namespace Engine.Tests.Fuzz;

internal static partial class FuzzTargets
{
    /// <summary>A datagram that parses never reaches past its end, and feeding it to a connection never throws.</summary>
    private static string Utp(byte[] input)
    {
        if (!UtpDatagram.TryParse(input, out var d)) return "dropped";
        if (UtpHeader.Size + d.SelectiveAck.Length + d.Payload.Length > input.Length)
            throw new InvalidOperationException("the parsed parts are longer than the datagram");
        var syn = new UtpHeader(UtpPacketType.Syn, 0, (ushort)(d.Header.ConnectionId - 1), 0, 0, 65536, (ushort)(d.Header.SeqNr - 1), 0);
        var connection = UtpConnection.Accept(Discard.Instance, syn, (ushort)(d.Header.AckNr - 2), 1_000_000);
        connection.Write(new byte[5000]);
        connection.OnPacket(d.Header, d.SelectiveAck, d.Payload, 1_001_000);
        connection.Flush(1_002_000);
        connection.Tick(9_000_000);
        Span<byte> into = stackalloc byte[256];
        connection.Read(into);
        return d.Header.Type + (d.SelectiveAck.IsEmpty ? "" : "+sack");
    }

    private static IEnumerable<byte[]> UtpSeeds()
    {
        byte[] Packet(UtpPacketType type, int payload, byte[]? sack = null)
        {
            var bytes = new byte[UtpHeader.Size + (sack is null ? 0 : 2 + sack.Length) + payload];
            new UtpHeader(type, sack is null ? (byte)0 : UtpDatagram.SelectiveAckExtension, 7, 1, 2, 65536, 10, 11).Write(bytes);
            if (sack is not null)
            {
                bytes[UtpHeader.Size + 1] = (byte)sack.Length;
                sack.CopyTo(bytes, UtpHeader.Size + 2);
            }
            return bytes;
        }
        yield return Packet(UtpPacketType.Syn, 0);
        yield return Packet(UtpPacketType.Data, 100);
        yield return Packet(UtpPacketType.State, 0, [0b1011, 0, 0, 0x80]);
        yield return Packet(UtpPacketType.Fin, 0);
        yield return Packet(UtpPacketType.Reset, 0);
    }

    private sealed class Discard : IUtpOutput
    {
        public static readonly Discard Instance = new();
        public void Send(ReadOnlySpan<byte> datagram) { }
    }
}
