using System.Net;
using System.Net.Sockets;

namespace Engine.Utp;

/// <summary>
/// Gathers datagrams for one destination and sends them as one buffer the kernel cuts into datagrams (UDP GSO,
/// <c>UDP_SEGMENT</c>, Linux 64-bit): a burst of equal-sized uTP packets passes the UDP, IP and device layers once
/// instead of once per packet, and on loopback reaches a receiver that asked for <c>UDP_GRO</c> still in one piece
/// (<see cref="Datagrams.BatchReceiver"/>). Datagrams keep their order: a different destination, a larger datagram, or
/// one after a shorter one sends what is gathered first. Where the kernel or device cannot segment (<c>EIO</c>,
/// <c>EOPNOTSUPP</c>, <c>EINVAL</c> eight times in a row), this sender sends each datagram on its own from then on; a
/// refused send's datagrams go one by one. Not thread-safe: its owner's lock serialises it.
/// </summary>
internal sealed partial class SegmentSender
{
    /// <summary>The most datagrams in one send: the kernel's limit (<c>UDP_MAX_SEGMENTS</c>) was 64 before Linux 6.5.</summary>
    public const int MaxSegments = 64;

    /// <summary>The most bytes in one send: a UDP datagram's length field, less the UDP and IPv4 headers.</summary>
    public const int MaxBytes = 65535 - 8 - 20;

    private const int EConnRefused = 111, EHostUnreach = 113, ENetUnreach = 101, EAccess = 13, EIo = 5, EInval = 22, ENotSupported = 95, EMsgSize = 90;

    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(MaxBytes);
    private SocketAddress? _to;
    private int _segment, _length, _count;
    private bool _closed; // the last datagram gathered was shorter than the first: nothing may follow it in this send
    private int _refusals; // segmented sends refused in a row (EINVAL: a segment larger than the path's MTU, or too many)

    public SegmentSender(bool segmentation) => Segmenting = segmentation && OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    /// <summary>Whether sends are gathered and segmented by the kernel (false: each datagram goes on its own).</summary>
    public bool Segmenting { get; private set; }

    /// <summary>Sends made with more than one datagram in them, and the datagrams they carried.</summary>
    public long SegmentedSends { get; private set; }
    public long SegmentedDatagrams { get; private set; }

    /// <summary>
    /// Gathers <paramref name="datagram"/> for <paramref name="to"/>, sending first what cannot go with it; one that is
    /// not <paramref name="segmentable"/> (it may not fit the path), or any without segmentation, goes now, alone.
    /// </summary>
    public void Add(Socket socket, ReadOnlySpan<byte> datagram, SocketAddress to, bool segmentable = true)
    {
        if (!Segmenting || !segmentable)
        {
            Flush(socket);
            SendOne(socket, datagram, to);
            return;
        }
        if (_count > 0 && (_closed || datagram.Length > _segment || _count == MaxSegments || _length + datagram.Length > MaxBytes
            || !(ReferenceEquals(to, _to) || to.Equals(_to))))
            Flush(socket);
        if (_count == 0)
        {
            _to = to;
            _segment = datagram.Length;
        }
        datagram.CopyTo(_buffer.AsSpan(_length));
        _length += datagram.Length;
        _count++;
        _closed = datagram.Length < _segment;
    }

    /// <summary>Sends what is gathered (a datagram that meets a full buffer or an unreachable host is dropped, as UDP may).</summary>
    public void Flush(Socket? socket)
    {
        if (_count == 0) return;
        var to = _to!;
        var data = _buffer.AsSpan(0, _length);
        var (segment, count) = (_segment, _count);
        _count = _length = 0;
        _to = null;
        if (socket is null) return;
        if (count == 1)
        {
            SendOne(socket, data, to);
            return;
        }
        var error = SendSegmented(socket, data, segment, to);
        for (var attempt = 1; attempt < UtpMultiplexer.SendAttempts && error is EConnRefused or EHostUnreach or ENetUnreach or EAccess; attempt++)
            error = SendSegmented(socket, data, segment, to); // an earlier datagram's ICMP error (UtpMultiplexer.SendOrRetry)
        if (error == 0)
        {
            SegmentedSends++;
            SegmentedDatagrams += count;
            _refusals = 0;
            return;
        }
        // No checksum offload (EIO) or no UDP_SEGMENT: never again here; EINVAL may be one path's MTU: only if it lasts.
        if (error is EIo or ENotSupported || error == EInval && ++_refusals >= 8) Segmenting = false;
        if (error is not (EIo or EInval or ENotSupported or EMsgSize)) return; // dropped
        for (var offset = 0; offset < data.Length; offset += segment)
            SendOne(socket, data.Slice(offset, Math.Min(segment, data.Length - offset)), to);
    }

    /// <summary>Forgets what is gathered (the socket is gone).</summary>
    public void Clear()
    {
        _count = _length = 0;
        _to = null;
    }

    private static void SendOne(Socket socket, ReadOnlySpan<byte> datagram, SocketAddress to)
    {
        try { UtpMultiplexer.SendOrRetry(socket, datagram, to); }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
    }
}
