namespace Engine.Core.Dht;

/// <summary>A packet that is not a valid KRPC message; the message says what is wrong. <see cref="Transaction"/> when it could be read.</summary>
internal sealed class KrpcException(string message, byte[]? transaction = null) : Exception(message)
{
    public byte[]? Transaction { get; } = transaction;
}
