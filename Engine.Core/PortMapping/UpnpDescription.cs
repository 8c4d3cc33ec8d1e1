using System.Xml;

namespace Engine.Core.PortMapping;

/// <summary>
/// A gateway's device description (the XML at the search answer's <c>LOCATION</c>): its WANIPConnection service, or
/// else its WANPPPConnection one, with the control URL resolved against <c>URLBase</c> or the location. Pure, strict:
/// null for anything else, for a control URL that is not plain http or names another host than the description's.
/// </summary>
internal static class UpnpDescription
{
    public static UpnpService? TryFindService(string xml, Uri location)
    {
        if (xml.Length > UpnpXml.MaxChars) return null;
        try
        {
            return Find(xml, location);
        }
        catch (XmlException) { return null; }
        catch (InvalidOperationException) { return null; }
    }

    private static UpnpService? Find(string xml, Uri location)
    {
        string? urlBase = null;
        (string Type, string Control)? ip = null, ppp = null;
        using var reader = UpnpXml.Reader(xml);
        string? type = null, control = null;
        var serviceDepth = -1;
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.EndElement && reader.Depth == serviceDepth)
            {
                if (type is not null && control is not null)
                {
                    if (ip is null && type.StartsWith("urn:schemas-upnp-org:service:WANIPConnection:", StringComparison.Ordinal)) ip = (type, control);
                    else if (ppp is null && type.StartsWith("urn:schemas-upnp-org:service:WANPPPConnection:", StringComparison.Ordinal)) ppp = (type, control);
                }
                (type, control, serviceDepth) = (null, null, -1);
            }
            if (reader.NodeType != XmlNodeType.Element)
            {
                reader.Read();
                continue;
            }
            switch (reader.LocalName)
            {
                case "URLBase":
                    urlBase = UpnpXml.Text(reader);
                    continue;
                case "service" when !reader.IsEmptyElement:
                    (type, control, serviceDepth) = (null, null, reader.Depth);
                    break;
                case "serviceType" when serviceDepth >= 0:
                    type = UpnpXml.Text(reader);
                    continue;
                case "controlURL" when serviceDepth >= 0:
                    control = UpnpXml.Text(reader);
                    continue;
            }
            reader.Read();
        }
        if ((ip ?? ppp) is not { } found) return null;
        var baseUri = urlBase is not null && Uri.TryCreate(urlBase, UriKind.Absolute, out var b) && b.Scheme == Uri.UriSchemeHttp ? b : location;
        if (!Uri.TryCreate(baseUri, found.Control, out var url) || url.Scheme != Uri.UriSchemeHttp || url.Host != location.Host) return null;
        return new UpnpService(found.Type, url);
    }
}
