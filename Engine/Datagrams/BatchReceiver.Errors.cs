using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Engine.Datagrams;

/// <summary>
/// ICMP errors for our datagrams (a closed port, an unreachable host): asked for with <see cref="ReportErrors"/>, read
/// one at a time from the socket's error queue with <see cref="TryReadError"/>. Without <c>IP_RECVERR</c> Linux drops
/// them for an unconnected socket, and uTP and the DHT could only wait for their timeouts.
/// </summary>
internal sealed unsafe partial class BatchReceiver
{
    private const int ErrorControlSize = 256, ErrorDataSize = 64, MsgErrQueue = 0x2000, EAgain = 11, PollErr = 0x8;
    private const int MsgNameOffset = 0, MsgNameLenOffset = 8, MsgIovOffset = 16, MsgIovLenOffset = 24, MsgControlOffset = 32, MsgControlLenOffset = 40;

    private byte* _errorMemory;

    private int _errorPayloadLength;

    /// <summary>
    /// The start of the datagram the last error read by <see cref="TryReadError"/> is about, past its UDP header, as far
    /// as the ICMP message quoted it (up to 64 bytes; none when the router quoted only the UDP header): whoever sent
    /// the error had seen it, so it tells a real error from a forged one.
    /// </summary>
    public ReadOnlySpan<byte> ErrorPayload => _errorMemory is null
        ? default
        : new ReadOnlySpan<byte>(_errorMemory + MmsghdrSize + IovecSize + NameSize + ErrorControlSize, _errorPayloadLength);

    /// <summary>A receive found a socket error (an ICMP error) instead of datagrams: the error queue holds it.</summary>
    public bool ErrorReported { get; private set; }

    /// <summary>Asks the kernel to queue ICMP errors for this socket's datagrams (IPv4, and IPv6 on a v6 socket); false where it cannot.</summary>
    public static bool ReportErrors(Socket socket)
    {
        try
        {
            var on = BitConverter.GetBytes(1);
            socket.SetRawSocketOption(0, 11, on); // SOL_IP, IP_RECVERR (on a dual-stack socket: its IPv4 peers)
            if (socket.AddressFamily == AddressFamily.InterNetworkV6) socket.SetRawSocketOption(41, 25, on); // SOL_IPV6, IPV6_RECVERR
            return true;
        }
        catch (SocketException) { return false; }
    }

    /// <summary>
    /// Takes one error from the socket's error queue without waiting: the kernel's error and the address the failed
    /// datagram was sent to (into <paramref name="destination"/>). False when the queue is empty.
    /// </summary>
    public bool TryReadError(Socket socket, SocketAddress destination, out IcmpError error)
    {
        error = default;
        if (_memory is null) throw new ObjectDisposedException(nameof(BatchReceiver));
        if (_errorMemory is null) _errorMemory = (byte*)NativeMemory.AllocZeroed((nuint)(MmsghdrSize + IovecSize + NameSize + ErrorControlSize + ErrorDataSize));
        var header = _errorMemory;
        var iov = header + MmsghdrSize;
        var name = iov + IovecSize;
        var control = name + NameSize;
        *(byte**)iov = control + ErrorControlSize;
        *(nuint*)(iov + 8) = ErrorDataSize;
        *(byte**)(header + MsgNameOffset) = name;
        *(uint*)(header + MsgNameLenOffset) = NameSize;
        *(byte**)(header + MsgIovOffset) = iov;
        *(nuint*)(header + MsgIovLenOffset) = 1;
        *(byte**)(header + MsgControlOffset) = control;
        *(nuint*)(header + MsgControlLenOffset) = ErrorControlSize;
        var handle = socket.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var read = RecvMsg((int)handle.DangerousGetHandle(), header, MsgErrQueue | MsgDontWait);
            if (read < 0) return false;
            _errorPayloadLength = (int)Math.Min(read, ErrorDataSize);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
        var nameLength = (int)Math.Min(*(uint*)(header + MsgNameLenOffset), (uint)destination.Buffer.Length);
        new ReadOnlySpan<byte>(name, nameLength).CopyTo(destination.Buffer.Span);
        destination.Size = nameLength;
        var controlLength = (int)Math.Min(*(nuint*)(header + MsgControlLenOffset), ErrorControlSize);
        IcmpError.TryRead(new ReadOnlySpan<byte>(control, controlLength), out error);
        return true;
    }

    private void FreeErrorMemory()
    {
        if (_errorMemory is null) return;
        NativeMemory.Free(_errorMemory);
        _errorMemory = null;
    }

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    private static partial nint RecvMsg(int fd, byte* message, int flags);
}
