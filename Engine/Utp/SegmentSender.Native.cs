using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Engine.Utp;

/// <summary>The segmented send itself: <c>sendmsg(2)</c> from libc with its control message (no package wraps it).</summary>
internal sealed unsafe partial class SegmentSender
{
    private const int SolUdp = 17, UdpSegment = 103;

    /// <summary>
    /// One <c>sendmsg(2)</c> with a <c>UDP_SEGMENT</c> control message; 0, or the error number. Its IPv4 datagrams carry
    /// "don't fragment" and are not fragmented by the kernel (<c>IP_PMTUDISC_PROBE</c> for this send only): by default
    /// Linux sets DF only on a datagram that fits the route's MTU, and a segmented send is larger than that, so routers
    /// would fragment its datagrams instead of answering "packet too big", and uTP would never fit its packets to the
    /// path (<see cref="Core.Utp.UtpConnection.OnPacketTooBig"/>). Single datagrams keep the default: one cut before the
    /// path was known is fragmented by the kernel, not lost at every resend.
    /// </summary>
    private int SendSegmented(Socket socket, ReadOnlySpan<byte> data, int segment, SocketAddress to)
    {
        const int msghdrSize = 56, controlSize = 24; // CMSG_SPACE(sizeof(uint16_t))
        var header = stackalloc byte[msghdrSize];
        var control = stackalloc byte[controlSize];
        var iov = stackalloc nuint[2];
        new Span<byte>(header, msghdrSize).Clear();
        new Span<byte>(control, controlSize).Clear();
        *(nuint*)control = 18;                          // cmsg_len: CMSG_LEN(sizeof(uint16_t))
        *(int*)(control + 8) = SolUdp;
        *(int*)(control + 12) = UdpSegment;
        *(ushort*)(control + 16) = (ushort)segment;
        var handle = socket.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            fixed (byte* bytes = data)
            fixed (byte* name = to.Buffer.Span)
            {
                iov[0] = (nuint)bytes;
                iov[1] = (nuint)data.Length;
                *(byte**)header = name;                     // msg_name
                *(uint*)(header + 8) = (uint)to.Size;       // msg_namelen
                *(nuint**)(header + 16) = iov;              // msg_iov
                *(nuint*)(header + 24) = 1;                 // msg_iovlen
                *(byte**)(header + 32) = control;           // msg_control
                *(nuint*)(header + 40) = controlSize;       // msg_controllen
                var fd = (int)handle.DangerousGetHandle();
                var probe = PmtuDiscoveryProbe;
                SetSockOpt(fd, SolIp, IpMtuDiscover, &probe, sizeof(int));
                var error = SendMsg(fd, header, MsgDontWait) >= 0 ? 0 : Marshal.GetLastPInvokeError();
                var want = PmtuDiscoveryWant;
                SetSockOpt(fd, SolIp, IpMtuDiscover, &want, sizeof(int));
                return error;
            }
        }
        catch (ObjectDisposedException) { return 0; }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private const int MsgDontWait = 0x40, SolIp = 0, IpMtuDiscover = 10, PmtuDiscoveryWant = 1, PmtuDiscoveryProbe = 3;

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static partial int SetSockOpt(int fd, int level, int name, void* value, uint length);

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    private static partial nint SendMsg(int fd, byte* message, int flags);
}
