using Engine.Transports;

namespace Engine.Utp;

/// <summary>The dialer under encryption for a <see cref="UtpDialOrder"/>: TCP (<paramref name="tcp"/>), uTP, or one then the other.</summary>
internal static class UtpDialers
{
    public static IPeerDialer For(UtpDialOrder order, UtpMultiplexer? mux, TcpDialer tcp) => mux is null ? tcp : order switch
    {
        UtpDialOrder.TcpFirst => new FallbackDialer(tcp, new UtpDialer(mux)),
        UtpDialOrder.UtpFirst => new FallbackDialer(new UtpDialer(mux), tcp),
        UtpDialOrder.UtpOnly => new UtpDialer(mux),
        _ => tcp,
    };
}
