namespace Engine.Utp;

/// <summary>How the engine dials peers with uTP beside TCP (what the public <c>UtpMode</c> maps to).</summary>
internal enum UtpDialOrder
{
    /// <summary>No uTP at all: TCP only, incoming uTP ignored.</summary>
    Off,
    /// <summary>TCP, then uTP when TCP fails.</summary>
    TcpFirst,
    /// <summary>uTP, then TCP when uTP gets no answer.</summary>
    UtpFirst,
    /// <summary>uTP only.</summary>
    UtpOnly,
}
