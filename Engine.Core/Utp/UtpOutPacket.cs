using System.Buffers;

namespace Engine.Core.Utp;

/// <summary>One packet we send: a pooled buffer holding room for the header and its payload, and what retransmission needs to know.</summary>
internal sealed class UtpOutPacket
{
    public UtpOutPacket(UtpPacketType type, int capacity)
    {
        Type = type;
        Buffer = ArrayPool<byte>.Shared.Rent(UtpHeader.Size + capacity);
        Capacity = capacity;
    }

    public UtpPacketType Type { get; }
    public byte[] Buffer { get; private set; }
    public int Capacity { get; }
    public int PayloadLength { get; set; }
    public ushort Seq { get; set; }
    public long SentAtMicros { get; set; }
    public int Transmissions { get; set; }
    public bool NeedsResend { get; set; }
    public bool IsSent => Transmissions > 0;

    public Span<byte> Free => Buffer.AsSpan(UtpHeader.Size + PayloadLength, Capacity - PayloadLength);

    public void Release()
    {
        if (Buffer.Length == 0) return;
        ArrayPool<byte>.Shared.Return(Buffer);
        Buffer = [];
    }
}
