namespace Engine.Core.Wire;

// The messages without a payload are singletons: compare with `is` or by reference.

/// <summary>A zero-length frame (length prefix 0).</summary>
internal sealed record KeepAlive : PeerMessage
{
    public static KeepAlive Instance { get; } = new();
    private KeepAlive() { }
}

internal sealed record Choke : PeerMessage
{
    public static Choke Instance { get; } = new();
    private Choke() { }
}

internal sealed record Unchoke : PeerMessage
{
    public static Unchoke Instance { get; } = new();
    private Unchoke() { }
}

internal sealed record Interested : PeerMessage
{
    public static Interested Instance { get; } = new();
    private Interested() { }
}

internal sealed record NotInterested : PeerMessage
{
    public static NotInterested Instance { get; } = new();
    private NotInterested() { }
}

/// <summary>BEP 6: the peer has every piece (instead of a bitfield).</summary>
internal sealed record HaveAll : PeerMessage
{
    public static HaveAll Instance { get; } = new();
    private HaveAll() { }
}

/// <summary>BEP 6: the peer has no piece (instead of a bitfield).</summary>
internal sealed record HaveNone : PeerMessage
{
    public static HaveNone Instance { get; } = new();
    private HaveNone() { }
}
