using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;

namespace Engine.Core.Trackers;

/// <summary>
/// Stateless UDP connection ids (BEP 15): the first 64 bits of HMAC-SHA256(key, client address ‖ port ‖ time window)
/// with a 2-minute window: a random per-process key for one tracker, or one derived from a secret every node of a
/// tracker cluster is given (<see cref="FromSecret"/>), so an id one node issued is valid on all. An id is accepted in its own window and the next one, so
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

    /// <summary>The least a cluster secret may have: shorter ones are refused.</summary>
    public const int MinSecretLength = 16;

    /// <summary>
    /// The ids of a tracker cluster: the key is SHA-256 of a fixed label and the secret's UTF-8, so every node given
    /// the same secret issues and accepts the same ids (and the secret itself never keys anything else).
    /// </summary>
    public static ConnectionIds FromSecret(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length < MinSecretLength)
            throw new ArgumentException($"a cluster secret needs at least {MinSecretLength} characters", nameof(secret));
        var label = "bittorrent tracker cluster: udp connection ids\0"u8;
        var bytes = new byte[label.Length + System.Text.Encoding.UTF8.GetByteCount(secret)];
        label.CopyTo(bytes);
        System.Text.Encoding.UTF8.GetBytes(secret, bytes.AsSpan(label.Length));
        return new ConnectionIds(SHA256.HashData(bytes));
    }

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
