using Engine.Core.Utp;

namespace Engine.Tests.Core.Utp;

/// <summary>An <see cref="IUtpOutput"/> that keeps every datagram a connection sends, for the tests to read.</summary>
internal sealed class UtpRecorder : IUtpOutput
{
    public List<byte[]> Sent { get; } = new();
    public void Send(ReadOnlySpan<byte> datagram) => Sent.Add(datagram.ToArray());
}
