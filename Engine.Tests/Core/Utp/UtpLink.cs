using Engine.Core.Utp;

namespace Engine.Tests.Core.Utp;

/// <summary>
/// Two uTP connections joined by a simulated network on a virtual clock: every datagram is delayed by a base one-way
/// delay plus jitter (which reorders), and may be lost or duplicated, all drawn from a seeded Random. Each side writes
/// its <see cref="Outbox"/> as fast as its connection takes it and reads into <see cref="Inbox"/>.
/// </summary>
internal sealed class UtpLink
{
    private readonly Random _rng;
    private readonly PriorityQueue<(bool ToAcceptor, byte[] Bytes), long> _inTransit = new();
    private readonly Side _initiator;
    private readonly Side _acceptor;
    private readonly UtpSettings _settings;
    private long _order;

    public UtpLink(int seed, double loss = 0, double duplicate = 0, long delayMicros = 10_000, long jitterMicros = 0, UtpSettings? settings = null, bool punching = false)
    {
        _rng = new Random(seed);
        Loss = loss;
        Duplicate = duplicate;
        DelayMicros = delayMicros;
        JitterMicros = jitterMicros;
        _settings = settings ?? UtpSettings.Default;
        _initiator = new Side(this, toAcceptor: true);
        _acceptor = new Side(this, toAcceptor: false);
        Initiator = UtpConnection.Connect(_initiator, 1000, Now, _settings, punching);
        _initiator.Connection = Initiator;
    }

    public double Loss { get; set; }
    public double Duplicate { get; set; }
    public long DelayMicros { get; set; }
    public long JitterMicros { get; set; }
    public long Now { get; private set; } = 1_000_000;
    /// <summary>How many of the next datagrams towards the acceptor are lost at once (a queue that overflowed).</summary>
    public int DropTowardsAcceptor { get; set; }
    public UtpConnection Initiator { get; }
    public UtpConnection? Acceptor => _acceptor.Connection;
    public int Datagrams { get; private set; }
    /// <summary>A bottleneck towards the acceptor: bytes per second (0: none) and how long its queue may get before it drops.</summary>
    public long BottleneckBytesPerSecond { get; set; }
    public long BottleneckBufferMicros { get; set; } = 200_000;
    private long _bottleneckFreeAt;
    /// <summary>How long the last packet through the bottleneck waited in its queue.</summary>
    public long QueueDelayMicros { get; private set; }

    /// <summary>Data packets sent towards the acceptor (retransmissions too).</summary>
    public int DataTowardsAcceptor { get; private set; }
    public Side InitiatorSide => _initiator;
    public Side AcceptorSide => _acceptor;

    /// <summary>Runs until <paramref name="done"/> or <paramref name="limitMicros"/> of virtual time have passed; returns whether done.</summary>
    public bool RunUntil(Func<bool> done, long limitMicros = 120_000_000, long stepMicros = 1_000)
    {
        var end = Now + limitMicros;
        while (Now < end)
        {
            if (done()) return true;
            while (_inTransit.TryPeek(out var d, out var key) && key / 1_000_000 <= Now)
            {
                _inTransit.Dequeue();
                Deliver(d.ToAcceptor, d.Bytes);
            }
            _initiator.Pump(Now);
            _acceptor.Pump(Now);
            Now += stepMicros;
        }
        return done();
    }

    private void Deliver(bool toAcceptor, byte[] bytes)
    {
        if (!UtpDatagram.TryParse(bytes, out var d)) throw new InvalidOperationException("the connection sent an invalid datagram");
        var side = toAcceptor ? _acceptor : _initiator;
        if (side.Connection is null)
        {
            if (d.Header.Type != UtpPacketType.Syn) return;
            side.Connection = UtpConnection.Accept(side, d.Header, (ushort)_rng.Next(65536), Now, _settings);
            return;
        }
        side.Connection.OnPacket(d.Header, d.SelectiveAck, d.Payload, Now);
    }

    private void Put(bool toAcceptor, ReadOnlySpan<byte> datagram)
    {
        Datagrams++;
        if (toAcceptor && UtpHeader.TryRead(datagram, out var header) && header.Type == UtpPacketType.Data) DataTowardsAcceptor++;
        if (toAcceptor && DropTowardsAcceptor > 0)
        {
            DropTowardsAcceptor--;
            return;
        }
        var copies = _rng.NextDouble() < Duplicate ? 2 : 1;
        for (var i = 0; i < copies; i++)
        {
            if (_rng.NextDouble() < Loss) continue;
            var at = Now + DelayMicros + (JitterMicros > 0 ? _rng.NextInt64(JitterMicros) : 0);
            if (toAcceptor && BottleneckBytesPerSecond > 0)
            {
                var start = Math.Max(Now, _bottleneckFreeAt);
                if (start - Now > BottleneckBufferMicros) continue; // the queue is full: tail drop
                QueueDelayMicros = start - Now;
                _bottleneckFreeAt = start + (datagram.Length + 28) * 1_000_000L / BottleneckBytesPerSecond;
                at = _bottleneckFreeAt + DelayMicros;
            }
            _inTransit.Enqueue((toAcceptor, datagram.ToArray()), at * 1_000_000 + _order++ % 1_000_000);
        }
    }

    /// <summary>One end: its connection, what it still has to send and what it received.</summary>
    internal sealed class Side(UtpLink link, bool toAcceptor) : IUtpOutput
    {
        public UtpConnection? Connection { get; set; }
        public byte[] Outbox { get; set; } = [];
        public int Written { get; private set; }
        public MemoryStream Inbox { get; } = new();
        public bool CloseWhenWritten { get; set; }
        public bool Paused { get; set; }
        /// <summary>Read as the transport does: post the buffer, take what arrived into it on the next pump.</summary>
        public bool PostedReads { get; set; }
        private readonly byte[] _buffer = new byte[7000];
        private bool _posting;

        /// <summary>When set, the header of every datagram this side sends is added to it.</summary>
        public List<UtpHeader>? SentHeaders { get; set; }
        /// <summary>When set, every datagram this side sends is copied into it.</summary>
        public List<byte[]>? SentDatagrams { get; set; }

        public void Send(ReadOnlySpan<byte> datagram)
        {
            if (SentHeaders is not null && UtpHeader.TryRead(datagram, out var header)) SentHeaders.Add(header);
            SentDatagrams?.Add(datagram.ToArray());
            link.Put(toAcceptor, datagram);
        }

        public void Pump(long now)
        {
            if (Connection is not { } c) return;
            if (c.State is UtpState.Connected && Written < Outbox.Length) Written += c.Write(Outbox.AsSpan(Written));
            if (CloseWhenWritten && Written == Outbox.Length && c.State == UtpState.Connected) c.Close(now);
            int n;
            if (_posting)
            {
                _posting = false;
                if ((n = c.TakePosted()) > 0) Inbox.Write(_buffer, 0, n);
            }
            while (!Paused && (n = c.Read(_buffer)) > 0) Inbox.Write(_buffer, 0, n);
            if (PostedReads && !Paused)
            {
                c.Post(_buffer);
                _posting = true;
            }
            c.Flush(now);
            c.Tick(now);
        }
    }
}
