using Engine.Transports;

namespace Engine.Utp;

/// <summary>The dialer under encryption for a <see cref="UtpDialOrder"/>: TCP, uTP, or one then the other.</summary>
internal static class UtpDialers
{
    public static IPeerDialer For(UtpDialOrder order, UtpMultiplexer? mux) => mux is null ? TcpDialer.Instance : order switch
    {
        UtpDialOrder.TcpFirst => new FallbackDialer(TcpDialer.Instance, new UtpDialer(mux)),
        UtpDialOrder.UtpFirst => new FallbackDialer(new UtpDialer(mux), TcpDialer.Instance),
        UtpDialOrder.UtpOnly => new UtpDialer(mux),
        _ => TcpDialer.Instance,
    };
}
