using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Engine.Datagrams;

/// <summary>
/// Reads up to <see cref="Slots"/> waiting datagrams in one <c>recvmmsg(2)</c> call without waiting (Linux, 64-bit;
/// elsewhere <see cref="IsSupported"/> is false and the receive loop takes one datagram per call). At a hundred thousand
/// uTP packets a second, a receive call and a <c>FIONREAD</c> per datagram were most of uTP's system time. The buffers
/// are native memory, allocated once: <see cref="Slots"/> × <see cref="SlotSize"/> bytes of data, room for the largest
/// datagram. A socket that asked for <c>UDP_GRO</c> (<see cref="CoalesceReceives"/>) may get several datagrams of one
/// sender in a slot, each <see cref="SegmentSize"/> long (the last may be shorter): a segmented send from loopback
/// (<see cref="Utp.SegmentSender"/>) arrives whole, and a NIC's GRO may join packets of one flow.
/// </summary>
internal sealed unsafe partial class BatchReceiver : IDisposable
{
    public const int Slots = 32;
    public const int SlotSize = 65536;
    private const int NameSize = 128;               // sizeof(struct sockaddr_storage)
    private const int ControlSize = 32;             // room for one cmsghdr with an int: UDP_GRO's segment size
    private const int IovecSize = 16;               // struct iovec { void *base; size_t len; }
    private const int MmsghdrSize = 64;             // struct mmsghdr { struct msghdr (56 bytes); unsigned len; }
    private const int NameLenOffset = 8, IovOffset = 16, IovLenOffset = 24, ControlOffset = 32, ControlLenOffset = 40, FlagsOffset = 48, LengthOffset = 56;
    private const int SolUdp = 17, UdpGro = 104;
    private const int MsgDontWait = 0x40, MsgTrunc = 0x20;

    private byte* _memory;
    private readonly byte* _data, _names, _iovecs, _headers, _controls;

    public BatchReceiver()
    {
        _memory = (byte*)NativeMemory.AllocZeroed((nuint)(Slots * (SlotSize + NameSize + IovecSize + MmsghdrSize + ControlSize)));
        _data = _memory;
        _names = _data + Slots * SlotSize;
        _iovecs = _names + Slots * NameSize;
        _headers = _iovecs + Slots * IovecSize;
        _controls = _headers + Slots * MmsghdrSize;
        for (var i = 0; i < Slots; i++)
        {
            var iov = _iovecs + i * IovecSize;
            *(byte**)iov = _data + i * SlotSize;
            *(nuint*)(iov + 8) = SlotSize;
            var h = _headers + i * MmsghdrSize;
            *(byte**)h = _names + i * NameSize;
            *(byte**)(h + IovOffset) = iov;
            *(nuint*)(h + IovLenOffset) = 1;
            *(byte**)(h + ControlOffset) = _controls + i * ControlSize;
        }
    }

    public static bool IsSupported { get; } = OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    /// <summary>Datagrams read into the slots (0 when none is waiting); a socket error met on the way sets <see cref="ErrorReported"/>.</summary>
    public int Receive(Socket socket)
    {
        if (_memory is null) throw new ObjectDisposedException(nameof(BatchReceiver));
        ErrorReported = false;
        for (var i = 0; i < Slots; i++)
        {
            var h = _headers + i * MmsghdrSize;
            *(uint*)(h + NameLenOffset) = NameSize;
            *(nuint*)(h + ControlLenOffset) = ControlSize;
            *(int*)(h + FlagsOffset) = 0;
        }
        var handle = socket.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = (int)handle.DangerousGetHandle();
            var n = RecvMmsg(fd, _headers, Slots, MsgDontWait, null);
            if (n >= 0 || Marshal.GetLastPInvokeError() == EAgain) return Math.Max(n, 0);
            // A pending socket error (a queued ICMP error, see ReportErrors) is reported once, instead of the datagrams.
            ErrorReported = true;
            return Math.Max(RecvMmsg(fd, _headers, Slots, MsgDontWait, null), 0);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>
    /// Waits, at most <paramref name="timeoutMs"/>, until the socket has a datagram or an error to read (<c>poll(2)</c>);
    /// false when the time ran out. The caller's thread blocks: this is for a receive thread of its own.
    /// </summary>
    public static bool WaitReadable(Socket socket, int timeoutMs) => WaitReadable(socket, timeoutMs, out _);

    /// <summary>As <see cref="WaitReadable(Socket, int)"/>; <paramref name="errorQueued"/>: the error queue holds something (<see cref="TryReadError"/>).</summary>
    public static bool WaitReadable(Socket socket, int timeoutMs, out bool errorQueued)
    {
        errorQueued = false;
        var handle = socket.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = new PollFd { Fd = (int)handle.DangerousGetHandle(), Events = PollIn };
            if (Poll(&fd, 1, timeoutMs) <= 0) return false;
            errorQueued = (fd.Revents & PollErr) != 0;
            return true;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private const short PollIn = 0x1;

    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>True when datagram <paramref name="i"/> was larger than its slot (its tail is lost).</summary>
    public bool Truncated(int i) => (*(int*)(_headers + i * MmsghdrSize + FlagsOffset) & MsgTrunc) != 0;

    /// <summary>
    /// Asks the kernel to hand a sender's consecutive equal-sized datagrams over joined (<c>UDP_GRO</c>, Linux 5.0+);
    /// false where it cannot, and every slot then holds one datagram.
    /// </summary>
    public static bool CoalesceReceives(Socket socket)
    {
        try
        {
            socket.SetRawSocketOption(SolUdp, UdpGro, BitConverter.GetBytes(1));
            return true;
        }
        catch (SocketException) { return false; }
    }

    /// <summary>The length of each datagram joined in slot <paramref name="i"/> (from its <c>UDP_GRO</c> control message); 0 when it holds one datagram.</summary>
    public int SegmentSize(int i)
    {
        var h = _headers + i * MmsghdrSize;
        var control = *(byte**)(h + ControlOffset);
        var length = *(nuint*)(h + ControlLenOffset);
        if (length < 20 || *(nuint*)control < 20 || *(int*)(control + 8) != SolUdp || *(int*)(control + 12) != UdpGro) return 0;
        return *(int*)(control + 16);
    }

    /// <summary>Slot <paramref name="i"/>: one datagram, or several joined (<see cref="SegmentSize"/>).</summary>
    public ReadOnlySpan<byte> Datagram(int i) => new(_data + i * SlotSize, (int)*(uint*)(_headers + i * MmsghdrSize + LengthOffset));

    /// <summary>Copies datagram <paramref name="i"/>'s sender (a native sockaddr, as <see cref="SocketAddress"/> holds it) into <paramref name="into"/>.</summary>
    public void CopySender(int i, SocketAddress into)
    {
        var length = (int)Math.Min(*(uint*)(_headers + i * MmsghdrSize + NameLenOffset), (uint)into.Buffer.Length);
        new ReadOnlySpan<byte>(_names + i * NameSize, length).CopyTo(into.Buffer.Span);
        into.Size = length;
    }

    public void Dispose()
    {
        if (_memory is null) return;
        FreeErrorMemory();
        NativeMemory.Free(_memory);
        _memory = null;
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    private static partial int RecvMmsg(int fd, byte* messages, uint count, int flags, void* timeout);
}
