namespace Engine.Core.Utp;

/// <summary>The five uTP packet types (BEP 29), the high nibble of a packet's first byte.</summary>
internal enum UtpPacketType : byte
{
    /// <summary>Payload; takes a sequence number.</summary>
    Data = 0,
    /// <summary>The sender's last packet; takes a sequence number.</summary>
    Fin = 1,
    /// <summary>An acknowledgement only; takes no sequence number.</summary>
    State = 2,
    /// <summary>The sender has no such connection: end it now.</summary>
    Reset = 3,
    /// <summary>Opens a connection; takes a sequence number.</summary>
    Syn = 4,
}
