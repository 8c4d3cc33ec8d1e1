using System.Globalization;
using System.Net;

namespace Engine.Core.PortMapping;

/// <summary>The default IPv4 gateway as Linux's <c>/proc/net/route</c> names it (the shell reads the file). Pure.</summary>
internal static class DefaultGateway
{
    private const int RtfGateway = 0x2;

    /// <summary>The gateway of the first default route (destination 0.0.0.0, the gateway flag set), or null.</summary>
    public static IPAddress? Parse(string procNetRoute)
    {
        foreach (var line in procNetRoute.Split('\n').Skip(1))
        {
            var f = line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 4 || f[1] != "00000000") continue;
            if (!int.TryParse(f[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var flags) || (flags & RtfGateway) == 0) continue;
            if (!uint.TryParse(f[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var gateway) || gateway == 0) continue;
            return new IPAddress(BitConverter.IsLittleEndian ? gateway : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(gateway));
        }
        return null;
    }
}
