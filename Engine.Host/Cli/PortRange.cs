using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Engine.Host.Cli;

/// <summary>
/// The peer port as <c>--port</c> takes it: one port (<c>6881</c>), a range (<c>6881-6999</c>, the default: the first
/// free one is taken, as other clients do), or <c>0</c> (any free port). When every port of a range is taken, a
/// free port outside it is used rather than failing; a single port given on its own must be free.
/// </summary>
public sealed record PortRange(int First, int Last)
{
    public static PortRange Default { get; } = new(6881, 6999);

    public static PortRange Any { get; } = new(0, 0);

    public bool IsSingle => First == Last;

    public override string ToString() => IsSingle ? First.ToString(CultureInfo.InvariantCulture) : $"{First}-{Last}";

    public static bool TryParse(string text, out PortRange range)
    {
        range = Default;
        var parts = text.Trim().Split('-');
        if (parts.Length is < 1 or > 2) return false;
        if (!Port(parts[0], out var first)) return false;
        var last = first;
        if (parts.Length == 2 && (!Port(parts[1], out last) || last < first || first == 0)) return false;
        range = new PortRange(first, last);
        return true;

        static bool Port(string s, out int port) =>
            int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;
    }

    /// <summary>
    /// The port to listen on at <paramref name="address"/>: the first of the range that can be bound now (probed with
    /// a socket), else 0 (any free port) for a range, or the single port itself (the engine then says why it cannot
    /// listen there).
    /// </summary>
    public int Pick(IPAddress address)
    {
        if (IsSingle) return First;
        for (var port = First; port <= Last; port++)
            if (CanBind(address, port)) return port;
        return 0;
    }

    internal static bool CanBind(IPAddress address, int port)
    {
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(new IPEndPoint(address, port));
            probe.Listen(1);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
