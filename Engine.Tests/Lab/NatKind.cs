namespace Engine.Tests.Lab;

/// <summary>How a <see cref="NetLab"/> NAT router maps its hosts' connections to its public address.</summary>
public enum NatKind
{
    /// <summary>Keeps the source port when it is free: the same public port whatever the destination.</summary>
    PortPreserving,

    /// <summary>A random public port for every new destination (nftables <c>masquerade fully-random</c>).</summary>
    Symmetric,
}
