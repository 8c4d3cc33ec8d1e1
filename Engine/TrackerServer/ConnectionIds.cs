using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;

namespace Engine.TrackerServer;

/// <summary>
/// Stateless UDP connection ids (BEP 15): the first 64 bits of HMAC-SHA256(key, client address ‖ port ‖ time window)
/// with a random per-process key and 2-minute windows. An id is accepted in its own window and the next one, so
/// it lives 2 to 4 minutes; nobody without the key can forge one for another address, and the tracker keeps no
/// per-client state. Pure: the caller passes <c>now</c>.
/// </summary>
internal sealed class ConnectionIds
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(2);

    private readonly byte[] _key;

    public ConnectionIds(ReadOnlySpan<byte> key)
    {
        if (key.Length < 16) throw new ArgumentException("the key needs at least 16 bytes", nameof(key));
        _key = key.ToArray();
    }

    /// <summary>A fresh random 32-byte key.</summary>
    public static ConnectionIds CreateRandom() => new(RandomNumberGenerator.GetBytes(32));

    public long Issue(IPEndPoint client, DateTimeOffset now) => Compute(client, WindowOf(now));

    public bool IsValid(long connectionId, IPEndPoint client, DateTimeOffset now)
    {
        var window = WindowOf(now);
        return connectionId == Compute(client, window) || connectionId == Compute(client, window - 1);
    }

    private static long WindowOf(DateTimeOffset now) => now.ToUnixTimeSeconds() / (long)Window.TotalSeconds;

    private long Compute(IPEndPoint client, long window)
    {
        Span<byte> data = stackalloc byte[16 + 2 + 8];
        var address = client.Address.IsIPv4MappedToIPv6 ? client.Address.MapToIPv4() : client.Address;
        address.TryWriteBytes(data, out var length);
        BinaryPrimitives.WriteUInt16BigEndian(data[length..], (ushort)client.Port);
        BinaryPrimitives.WriteInt64BigEndian(data[(length + 2)..], window);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, data[..(length + 10)], mac);
        return BinaryPrimitives.ReadInt64BigEndian(mac);
    }
}
