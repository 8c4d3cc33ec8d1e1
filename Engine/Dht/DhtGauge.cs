namespace Engine.Dht;

/// <summary>The DHT node's size as the engine's meter reads it: written by the node after each tick, read from any thread.</summary>
internal sealed class DhtGauge
{
    private int _nodes = -1;

    /// <summary>Nodes in the routing table; -1 until the node runs (or when the DHT is off).</summary>
    public int Nodes
    {
        get => Volatile.Read(ref _nodes);
        set => Volatile.Write(ref _nodes, value);
    }
}
