using System.Net;
using Engine.Core.Utp;

namespace Engine.Utp;

/// <summary>The connection table's bookkeeping: connections per address, and accepted ones not yet confirmed (half-open).</summary>
internal sealed partial class UtpMultiplexer
{
    private readonly Dictionary<IPAddress, int> _perHost = new();
    /// <summary>Accepted connections in accept order, until they reach the front (then the confirmed and finished leave it).</summary>
    private readonly Queue<UtpTransport> _halfOpen = new();

    /// <summary>Half-open connections dropped to make room for newer SYNs.</summary>
    public long Evicted { get; private set; }

    private void Remember((IPEndPoint Remote, ushort Id) key, UtpTransport transport)
    {
        _connections.Add(key, transport);
        _perHost[key.Remote.Address] = _perHost.GetValueOrDefault(key.Remote.Address) + 1;
    }

    private void Forget((IPEndPoint Remote, ushort Id) key)
    {
        if (!_connections.Remove(key)) return;
        var left = _perHost[key.Remote.Address] - 1;
        if (left == 0) _perHost.Remove(key.Remote.Address);
        else _perHost[key.Remote.Address] = left;
    }

    /// <summary>
    /// At the bound, forgets the confirmed and finished at the front, then drops the oldest if it is still half-open.
    /// Confirmed entries further back count against the bound until they reach the front: each entry is looked at once.
    /// </summary>
    private void MakeRoomForHalfOpen()
    {
        while (_halfOpen.Count >= MaxHalfOpen)
        {
            var oldest = _halfOpen.Dequeue();
            if (oldest.Connection.PeerConfirmed || oldest.Connection.IsFinished) continue;
            oldest.Connection.Abandon("dropped half-open: a newer SYN needed the room");
            oldest.Wake();
            Evicted++;
        }
    }
}
