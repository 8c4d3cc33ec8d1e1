using System.Buffers.Binary;
using System.Net;

namespace Engine.Core.Primitives;

/// <summary>The compact form of an endpoint (BEP 5, 11, 23): 4 or 16 address bytes, then the port, big-endian.</summary>
internal static class CompactEndPoint
{
    public static IPEndPoint Read(ReadOnlySpan<byte> compact)
    {
        var addressLength = compact.Length - 2;
        if (addressLength is not (4 or 16)) throw new ArgumentException($"a compact endpoint is 6 or 18 bytes, got {compact.Length}", nameof(compact));
        return new IPEndPoint(new IPAddress(compact[..addressLength]), BinaryPrimitives.ReadUInt16BigEndian(compact[addressLength..]));
    }

    /// <summary>Writes 6 or 18 bytes; returns how many.</summary>
    public static int Write(IPEndPoint endPoint, Span<byte> destination)
    {
        if (!endPoint.Address.TryWriteBytes(destination, out var written)) throw new ArgumentException("no room for the address", nameof(destination));
        BinaryPrimitives.WriteUInt16BigEndian(destination[written..], (ushort)endPoint.Port);
        return written + 2;
    }

    public static byte[] ToArray(IPEndPoint endPoint)
    {
        Span<byte> buffer = stackalloc byte[18];
        return buffer[..Write(endPoint, buffer)].ToArray();
    }
}
