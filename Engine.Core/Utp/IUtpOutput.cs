namespace Engine.Core.Utp;

/// <summary>Where a <see cref="UtpConnection"/> puts the datagrams it sends (the shell's UDP socket; a list in tests). The span is only valid during the call.</summary>
internal interface IUtpOutput
{
    void Send(ReadOnlySpan<byte> datagram);
}
