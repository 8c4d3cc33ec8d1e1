using System.Globalization;
using System.Net;
using System.Security;
using System.Xml;

namespace Engine.Core.PortMapping;

/// <summary>
/// The WANIPConnection / WANPPPConnection actions we call (GetExternalIPAddress, AddPortMapping, DeletePortMapping,
/// GetSpecificPortMappingEntry) as SOAP envelopes, and the gateway's answers: out-arguments or a UPnP error. Pure,
/// strict and bounded: an answer that is not one of those is null, never an exception.
/// </summary>
internal static class UpnpSoap
{
    public static UpnpSoapRequest GetExternalIPAddress(string serviceType) => Request(serviceType, "GetExternalIPAddress");

    /// <summary>Forwards <paramref name="externalPort"/> to <paramref name="internalClient"/>:<paramref name="internalPort"/> for <paramref name="lease"/> (0: permanent); any remote host.</summary>
    public static UpnpSoapRequest AddPortMapping(string serviceType, int externalPort, bool tcp, int internalPort, IPAddress internalClient, string description, TimeSpan lease) =>
        Request(serviceType, "AddPortMapping",
            ("NewRemoteHost", ""),
            ("NewExternalPort", Number(externalPort)),
            ("NewProtocol", Protocol(tcp)),
            ("NewInternalPort", Number(internalPort)),
            ("NewInternalClient", internalClient.ToString()),
            ("NewEnabled", "1"),
            ("NewPortMappingDescription", description),
            ("NewLeaseDuration", Number((long)Math.Clamp(lease.TotalSeconds, 0, uint.MaxValue))));

    public static UpnpSoapRequest DeletePortMapping(string serviceType, int externalPort, bool tcp) =>
        Request(serviceType, "DeletePortMapping", ("NewRemoteHost", ""), ("NewExternalPort", Number(externalPort)), ("NewProtocol", Protocol(tcp)));

    /// <summary>Asks what <paramref name="externalPort"/> forwards to (<c>NewInternalClient</c>, <c>NewInternalPort</c>, …); a fault 714 when nothing.</summary>
    public static UpnpSoapRequest GetSpecificPortMappingEntry(string serviceType, int externalPort, bool tcp) =>
        Request(serviceType, "GetSpecificPortMappingEntry", ("NewRemoteHost", ""), ("NewExternalPort", Number(externalPort)), ("NewProtocol", Protocol(tcp)));

    /// <summary>The answer to <paramref name="action"/>: its out-arguments, a fault, or null for anything else (garbage, a DTD, another action's answer, over 64 KiB).</summary>
    public static UpnpSoapResult? TryParseResponse(string body, string action)
    {
        if (body.Length > UpnpXml.MaxChars) return null;
        try
        {
            using var reader = UpnpXml.Reader(body);
            if (!reader.ReadToFollowing("Body", "http://schemas.xmlsoap.org/soap/envelope/") || reader.IsEmptyElement) return null;
            reader.Read();
            if (reader.NodeType != XmlNodeType.Element) return null;
            if (reader.LocalName == "Fault") return ReadFault(reader);
            if (reader.LocalName != action + "Response") return null;
            return new UpnpSoapResult.Success(ReadChildren(reader));
        }
        catch (XmlException) { return null; }
        catch (InvalidOperationException) { return null; }
    }

    /// <summary>What a UPnP error code means, for a status line.</summary>
    public static string Describe(int code) => code switch
    {
        401 => "Invalid Action",
        402 => "Invalid Args",
        501 => "Action Failed",
        606 => "Action not authorized",
        714 => "NoSuchEntryInArray",
        715 => "WildCardNotPermittedInSrcIP",
        716 => "WildCardNotPermittedInExtPort",
        718 => "ConflictInMappingEntry",
        724 => "SamePortValuesRequired",
        725 => "OnlyPermanentLeasesSupported",
        726 => "RemoteHostOnlySupportsWildcard",
        727 => "ExternalPortOnlySupportsWildcard",
        728 => "NoPortMapsAvailable",
        729 => "ConflictWithOtherMechanisms",
        _ => "unknown error",
    };

    private static Dictionary<string, string> ReadChildren(XmlReader reader)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reader.IsEmptyElement) return values;
        var depth = reader.Depth;
        reader.Read();
        while (!reader.EOF && reader.Depth > depth)
        {
            if (reader.NodeType == XmlNodeType.Element && reader.Depth == depth + 1 && values.Count < 32)
            {
                var name = reader.LocalName;
                values[name] = UpnpXml.Text(reader);
            }
            else reader.Read();
        }
        return values;
    }

    private static UpnpSoapResult.Fault ReadFault(XmlReader reader)
    {
        int? code = null;
        var description = "";
        var depth = reader.Depth;
        reader.Read();
        while (!reader.EOF && reader.Depth > depth)
        {
            if (reader.NodeType != XmlNodeType.Element) reader.Read();
            else if (reader.LocalName == "errorCode")
                code = int.TryParse(UpnpXml.Text(reader), NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : 0;
            else if (reader.LocalName == "errorDescription") description = UpnpXml.Text(reader);
            else reader.Read();
        }
        return new UpnpSoapResult.Fault(code ?? 0, description.Length > 200 ? description[..200] : description);
    }

    private static UpnpSoapRequest Request(string serviceType, string action, params (string Name, string Value)[] arguments)
    {
        var body = new System.Text.StringBuilder(512)
            .Append("<?xml version=\"1.0\"?>\r\n")
            .Append("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">")
            .Append("<s:Body><u:").Append(action).Append(" xmlns:u=\"").Append(SecurityElement.Escape(serviceType)).Append("\">");
        foreach (var (name, value) in arguments) body.Append('<').Append(name).Append('>').Append(SecurityElement.Escape(value)).Append("</").Append(name).Append('>');
        body.Append("</u:").Append(action).Append("></s:Body></s:Envelope>\r\n");
        return new UpnpSoapRequest(action, $"\"{serviceType}#{action}\"", body.ToString());
    }

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Protocol(bool tcp) => tcp ? "TCP" : "UDP";
}
