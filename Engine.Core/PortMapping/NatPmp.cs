using System.Buffers.Binary;
using System.Net;

namespace Engine.Core.PortMapping;

/// <summary>
/// NAT-PMP (RFC 6886) messages: the external-address request, a port-mapping request (TCP or UDP, a lifetime; 0
/// deletes), and the gateway's answers. Requests go to the default gateway's UDP port 5351. Pure.
/// </summary>
internal static class NatPmp
{
    public const int Port = 5351;

    /// <summary>Opcode 0: what is the gateway's external address?</summary>
    public static byte[] ExternalAddressRequest() => [0, 0];

    /// <summary>Opcode 1 (UDP) or 2 (TCP): map <paramref name="internalPort"/>, asking for <paramref name="externalPort"/>, for <paramref name="lifetime"/> (0 removes the mapping).</summary>
    public static byte[] MapRequest(bool tcp, int internalPort, int externalPort, TimeSpan lifetime)
    {
        var b = new byte[12];
        b[1] = (byte)(tcp ? 2 : 1);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(4), (ushort)internalPort);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(6), (ushort)externalPort);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(8), (uint)Math.Clamp(lifetime.TotalSeconds, 0, uint.MaxValue));
        return b;
    }

    /// <summary>The gateway's answer, or null for anything that is not a well-formed NAT-PMP version 0 response.</summary>
    public static NatPmpResponse? TryDecode(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 8 || packet[0] != 0 || packet[1] < 128) return null;
        var result = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        var epoch = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        switch (packet[1] - 128)
        {
            case 0 when packet.Length >= 12:
                return new NatPmpResponse.ExternalAddress(result, epoch, new IPAddress(packet.Slice(8, 4)));
            case 1 or 2 when packet.Length >= 16:
                return new NatPmpResponse.Mapping(result, epoch, packet[1] - 128 == 2,
                    BinaryPrimitives.ReadUInt16BigEndian(packet[8..]), BinaryPrimitives.ReadUInt16BigEndian(packet[10..]),
                    TimeSpan.FromSeconds(BinaryPrimitives.ReadUInt32BigEndian(packet[12..])));
            default:
                return null;
        }
    }

    /// <summary>What a result code means, for a status line.</summary>
    public static string Describe(int result) => result switch
    {
        0 => "success",
        1 => "unsupported version",
        2 => "not authorized (port mapping is switched off on the router)",
        3 => "network failure (the router has no external address)",
        4 => "out of resources",
        5 => "unsupported opcode",
        _ => $"result {result}",
    };
}
