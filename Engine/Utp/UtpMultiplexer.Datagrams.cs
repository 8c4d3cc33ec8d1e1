using System.Net;
using Engine.Core.Utp;

namespace Engine.Utp;

internal sealed partial class UtpMultiplexer
{
    private readonly byte[] _resetScratch = new byte[UtpHeader.Size];

    /// <summary>
    /// One datagram from the receive loop (not the DHT's). Its connection handles it now; the answers (ACKs, data the
    /// freed window lets out) go at the next <see cref="FlushPending"/>, so a burst of packets is acknowledged once.
    /// </summary>
    public void OnDatagram(ReadOnlySpan<byte> datagram, IPEndPoint from)
    {
        if (!UtpDatagram.TryParse(datagram, out var d))
        {
            Dropped++;
            return;
        }
        UtpTransport? accepted = null;
        using (Enter())
        {
            var h = d.Header;
            var id = h.Type == UtpPacketType.Syn ? (ushort)(h.ConnectionId + 1) : h.ConnectionId;
            if (!_connections.TryGetValue((from, id), out var transport) && h.Type == UtpPacketType.Reset) transport = BySendId(from, id);
            if (transport is null)
            {
                if (h.Type == UtpPacketType.Syn) Accept(h, from);
                else
                {
                    Dropped++;
                    if (h.Type is UtpPacketType.Data or UtpPacketType.Fin) SendReset(h, from);
                }
            }
            else
            {
                transport.Connection.OnPacket(h, d.SelectiveAck, d.Payload, NowMicros);
                if (_dirtySet.Add(transport)) _dirty.Add(transport);
                if (transport.AwaitingConfirmation && transport.Connection.PeerConfirmed && !transport.Connection.IsFinished)
                {
                    transport.AwaitingConfirmation = false;
                    accepted = transport;
                }
            }
        }
        if (accepted is not null) Accepted?.Invoke(accepted);
    }

    /// <summary>Sends what the datagrams since the last flush called for, and wakes readers and writers.</summary>
    public void FlushPending()
    {
        using (Enter())
        {
            var now = NowMicros;
            foreach (var t in _dirty)
            {
                t.Connection.Flush(now);
                t.Wake();
            }
            _dirty.Clear();
            _dirtySet.Clear();
        }
    }

    /// <summary>Answers a SYN; the connection goes to <see cref="Accepted"/> only once the peer confirms it (see above).</summary>
    private void Accept(in UtpHeader syn, IPEndPoint from)
    {
        if (Accepted is null || _socket is null) return;
        if (_connections.Count >= MaxConnections || _perHost.GetValueOrDefault(from.Address) >= MaxPerHost)
        {
            Refused++;
            return;
        }
        MakeRoomForHalfOpen();
        var transport = new UtpTransport(this, from, AddressFor(from)) { AwaitingConfirmation = true };
        Remember((from, (ushort)(syn.ConnectionId + 1)), transport);
        transport.Connection = UtpConnection.Accept(transport, syn, (ushort)_random.Next(65536), NowMicros, _settings);
        _halfOpen.Enqueue(transport);
    }

    /// <summary>Clients differ on which id a RESET carries: ours to receive on, or the one we send on.</summary>
    private UtpTransport? BySendId(IPEndPoint from, ushort id)
    {
        foreach (var (key, t) in _connections)
            if (key.Remote.Equals(from) && t.Connection.SendId == id) return t;
        return null;
    }


    /// <summary>Tells the sender of a packet for a connection we do not have that there is none.</summary>
    private void SendReset(in UtpHeader h, IPEndPoint to)
    {
        new UtpHeader(UtpPacketType.Reset, 0, h.ConnectionId, (uint)NowMicros, 0, 0, (ushort)_random.Next(65536), h.SeqNr).Write(_resetScratch);
        SendTo(_resetScratch, AddressFor(to));
    }
}
