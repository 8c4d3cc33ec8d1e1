using System.Net;
using System.Text;

namespace Engine.Core.PortMapping;

/// <summary>
/// SSDP, the discovery half of UPnP: the <c>M-SEARCH</c> asking for an Internet gateway device, sent to
/// 239.255.255.250:1900, and the <c>LOCATION</c> of its device description in an answer. Pure; bounded (an answer
/// over <see cref="MaxResponseBytes"/>, or without a plain http location, is ignored).
/// </summary>
internal static class Ssdp
{
    public const int Port = 1900;
    public const int MaxResponseBytes = 4096;
    private const int MaxLocationLength = 512;

    public static IPEndPoint MulticastEndPoint { get; } = new(IPAddress.Parse("239.255.255.250"), Port);

    /// <summary>What we search for: the gateway device, and its two kinds of WAN connection service (either answers).</summary>
    public static IReadOnlyList<string> SearchTargets { get; } =
    [
        "urn:schemas-upnp-org:device:InternetGatewayDevice:1",
        "urn:schemas-upnp-org:service:WANIPConnection:1",
        "urn:schemas-upnp-org:service:WANIPConnection:2",
        "urn:schemas-upnp-org:service:WANPPPConnection:1",
    ];

    /// <summary>An <c>M-SEARCH</c> for <paramref name="searchTarget"/>; devices answer within <paramref name="maxWaitSeconds"/> (MX).</summary>
    public static byte[] SearchRequest(string searchTarget, int maxWaitSeconds = 2) => Encoding.ASCII.GetBytes(
        "M-SEARCH * HTTP/1.1\r\n" +
        "HOST: 239.255.255.250:1900\r\n" +
        $"ST: {searchTarget}\r\n" +
        "MAN: \"ssdp:discover\"\r\n" +
        $"MX: {Math.Clamp(maxWaitSeconds, 1, 5)}\r\n\r\n");

    /// <summary>The device description's address in a search answer (<c>HTTP/1.x 200</c> with a <c>LOCATION</c> header), or null.</summary>
    public static Uri? TryParseLocation(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty || datagram.Length > MaxResponseBytes) return null;
        var lines = Encoding.Latin1.GetString(datagram).Split('\n');
        var status = lines[0].TrimEnd('\r');
        if (!(status.StartsWith("HTTP/1.1 200", StringComparison.Ordinal) || status.StartsWith("HTTP/1.0 200", StringComparison.Ordinal))) return null;
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !line.AsSpan(0, colon).Trim().Equals("LOCATION", StringComparison.OrdinalIgnoreCase)) continue;
            var value = line[(colon + 1)..].Trim();
            return value.Length <= MaxLocationLength && Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp ? uri : null;
        }
        return null;
    }
}
