using System.Buffers.Binary;
using System.Net;
using Engine.Core.Primitives;

namespace Engine.Core.Dht;

/// <summary>
/// A DHT node: its id and UDP endpoint. "Compact node info" is 26 bytes for IPv4 (id, address, port; BEP 5) and 38
/// for IPv6 (BEP 32); a compact peer is 6 or 18 bytes (address, port).
/// </summary>
internal readonly record struct DhtContact(NodeId Id, IPEndPoint EndPoint)
{
    public const int V4Length = NodeId.Length + 6;
    public const int V6Length = NodeId.Length + 18;

    /// <summary>Reads a "nodes" (IPv4) or "nodes6" (IPv6) string; a trailing partial entry is ignored, port 0 is skipped.</summary>
    public static List<DhtContact> ReadAll(ReadOnlySpan<byte> compact, IpFamily family)
    {
        var size = family == IpFamily.V4 ? V4Length : V6Length;
        var list = new List<DhtContact>(compact.Length / size);
        for (var at = 0; at + size <= compact.Length; at += size)
        {
            var entry = compact.Slice(at, size);
            var endPoint = ReadEndPoint(entry[NodeId.Length..]);
            if (endPoint.Port != 0) list.Add(new DhtContact(NodeId.FromBytes(entry[..NodeId.Length]), endPoint));
        }
        return list;
    }

    /// <summary>Writes the contacts of <paramref name="family"/> in compact form.</summary>
    public static byte[] WriteAll(IReadOnlyList<DhtContact> contacts, IpFamily family)
    {
        var size = family == IpFamily.V4 ? V4Length : V6Length;
        var count = 0;
        foreach (var c in contacts) if (IpFamilies.Of(c.EndPoint) == family) count++;
        var bytes = new byte[count * size];
        var at = 0;
        foreach (var c in contacts)
        {
            if (IpFamilies.Of(c.EndPoint) != family) continue;
            c.Id.WriteTo(bytes.AsSpan(at));
            WriteEndPoint(c.EndPoint, bytes.AsSpan(at + NodeId.Length));
            at += size;
        }
        return bytes;
    }

    /// <summary>A compact endpoint: 4 or 16 address bytes, then the port, big-endian.</summary>
    public static IPEndPoint ReadEndPoint(ReadOnlySpan<byte> compact)
    {
        var addressLength = compact.Length - 2;
        if (addressLength is not (4 or 16)) throw new ArgumentException($"a compact endpoint is 6 or 18 bytes, got {compact.Length}", nameof(compact));
        return new IPEndPoint(new IPAddress(compact[..addressLength]), BinaryPrimitives.ReadUInt16BigEndian(compact[addressLength..]));
    }

    /// <summary>Writes 6 or 18 bytes; returns how many.</summary>
    public static int WriteEndPoint(IPEndPoint endPoint, Span<byte> destination)
    {
        if (!endPoint.Address.TryWriteBytes(destination, out var written)) throw new ArgumentException("no room for the address", nameof(destination));
        BinaryPrimitives.WriteUInt16BigEndian(destination[written..], (ushort)endPoint.Port);
        return written + 2;
    }

    public override string ToString() => $"{Id.ToString()[..8]}@{EndPoint}";
}
