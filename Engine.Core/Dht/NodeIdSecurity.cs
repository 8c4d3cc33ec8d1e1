using System.IO.Hashing;
using System.Net;

namespace Engine.Core.Dht;

/// <summary>
/// BEP 42: a node id tied to the node's external address, so one host cannot pick ids next to a target at will. The
/// first 21 bits are those of CRC32C(address masked | r &lt;&lt; 29) (r: 3 random bits, also the low bits of the last
/// byte). Local and private addresses are exempt: any id is valid for them.
/// </summary>
internal static class NodeIdSecurity
{
    private static readonly byte[] V4Mask = [0x03, 0x0f, 0x3f, 0xff];
    private static readonly byte[] V6Mask = [0x01, 0x03, 0x07, 0x0f, 0x1f, 0x3f, 0x7f, 0xff];

    /// <summary>A random id that is valid for <paramref name="external"/>; <paramref name="seed"/> is the last byte (its low 3 bits are r).</summary>
    public static NodeId Generate(IPAddress external, byte seed, Random random)
    {
        var crc = Crc(external, (byte)(seed & 7));
        Span<byte> id = stackalloc byte[NodeId.Length];
        random.NextBytes(id);
        id[0] = (byte)(crc >> 24);
        id[1] = (byte)(crc >> 16);
        id[2] = (byte)((crc >> 8 & 0xf8) | (uint)(id[2] & 7));
        id[19] = seed;
        return NodeId.FromBytes(id);
    }

    public static NodeId Generate(IPAddress external, Random random) => Generate(external, (byte)random.Next(256), random);

    /// <summary>Does <paramref name="id"/> fit <paramref name="address"/>? Always true for local and private addresses.</summary>
    public static bool IsValid(NodeId id, IPAddress address)
    {
        if (IsExempt(address)) return true;
        Span<byte> bytes = stackalloc byte[NodeId.Length];
        id.WriteTo(bytes);
        var crc = Crc(address, (byte)(bytes[19] & 7));
        return bytes[0] == (byte)(crc >> 24) && bytes[1] == (byte)(crc >> 16) && (bytes[2] & 0xf8) == (byte)(crc >> 8 & 0xf8);
    }

    /// <summary>Loopback, private (RFC 1918), link-local, unique-local and unspecified addresses.</summary>
    public static bool IsExempt(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal) return true;
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out var n);
        if (n != 4) return b[..n].SequenceEqual(IPAddress.IPv6Any.GetAddressBytes());
        return b[0] is 10 or 0 || b[0] == 172 && (b[1] & 0xf0) == 16 || b[0] == 192 && b[1] == 168 || b[0] == 169 && b[1] == 254;
    }

    private static uint Crc(IPAddress address, byte r)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        Span<byte> ip = stackalloc byte[16];
        address.TryWriteBytes(ip, out var n);
        var mask = n == 4 ? V4Mask : V6Mask;
        var input = ip[..mask.Length];
        for (var i = 0; i < mask.Length; i++) input[i] &= mask[i];
        input[0] |= (byte)(r << 5);
        var crc = new Crc32(Crc32ParameterSet.Crc32C);
        crc.Append(input);
        return crc.GetCurrentHashAsUInt32();
    }
}
