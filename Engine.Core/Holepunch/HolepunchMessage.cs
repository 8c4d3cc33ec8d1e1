using System.Buffers.Binary;
using System.Net;
using Engine.Core.Primitives;

namespace Engine.Core.Holepunch;

/// <summary>
/// A <c>ut_holepunch</c> message (BEP 55): msg_type (1 byte), addr_type (1 byte: 0 IPv4, 1 IPv6), the address (4 or 16
/// bytes), the port (2 bytes) and err_code (4 bytes, 0 unless an error), all big-endian. We always write err_code; a
/// rendezvous or connect may come without it, as libtorrent 2.0.8 sends them (it writes err_code only in an error:
/// <c>bt_peer_connection::write_holepunch_msg</c>). Decoding is otherwise strict: anything else — a wrong length, an
/// error without its code, an unknown type or error code, port 0, an error code on a non-error message — is null.
/// </summary>
internal sealed record HolepunchMessage(HolepunchMessageType Type, IPEndPoint EndPoint, HolepunchError Error = HolepunchError.None)
{
    public const int V4Length = 12, V6Length = 24;

    public byte[] Encode()
    {
        var v6 = IpFamilies.Of(EndPoint) == IpFamily.V6;
        var bytes = new byte[v6 ? V6Length : V4Length];
        bytes[0] = (byte)Type;
        bytes[1] = v6 ? (byte)1 : (byte)0;
        var addressLength = v6 ? 16 : 4;
        EndPoint.Address.TryWriteBytes(bytes.AsSpan(2, addressLength), out _);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2 + addressLength), (ushort)EndPoint.Port);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + addressLength), (uint)Error);
        return bytes;
    }

    /// <summary>The message, or null when <paramref name="payload"/> is not exactly one well-formed message.</summary>
    public static HolepunchMessage? TryDecode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 2 || payload[0] > (byte)HolepunchMessageType.Error || payload[1] > 1) return null;
        var addressLength = payload[1] == 0 ? 4 : 16;
        var withCode = payload.Length == addressLength + 8;
        var type = (HolepunchMessageType)payload[0];
        if (!withCode && (payload.Length != addressLength + 4 || type == HolepunchMessageType.Error)) return null;
        var port = BinaryPrimitives.ReadUInt16BigEndian(payload.Slice(2 + addressLength));
        var error = withCode ? BinaryPrimitives.ReadUInt32BigEndian(payload.Slice(4 + addressLength)) : 0;
        if (port == 0 || error > (uint)HolepunchError.NoSelf || (error != 0) != (type == HolepunchMessageType.Error)) return null;
        return new HolepunchMessage(type, new IPEndPoint(new IPAddress(payload.Slice(2, addressLength)), port), (HolepunchError)error);
    }
}

/// <summary>BEP 55's msg_type.</summary>
internal enum HolepunchMessageType : byte
{
    /// <summary>Initiator to relay: send connect messages to me and to this endpoint.</summary>
    Rendezvous = 0,
    /// <summary>Relay to both sides: start a uTP connection to this endpoint now.</summary>
    Connect = 1,
    /// <summary>Relay to initiator: the rendezvous with this endpoint cannot be done.</summary>
    Error = 2,
}

/// <summary>BEP 55's err_code.</summary>
internal enum HolepunchError : uint
{
    None = 0,
    /// <summary>The relay knows no peer at that endpoint.</summary>
    NoSuchPeer = 1,
    /// <summary>The relay knows the peer but is not connected to it.</summary>
    NotConnected = 2,
    /// <summary>The target does not speak ut_holepunch.</summary>
    NoSupport = 3,
    /// <summary>The target is the initiator itself.</summary>
    NoSelf = 4,
}
