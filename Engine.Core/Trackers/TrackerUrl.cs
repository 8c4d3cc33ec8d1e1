namespace Engine.Core.Trackers;

/// <summary>The kinds of announce URL the client speaks.</summary>
internal enum TrackerProtocol
{
    Unsupported,
    Http,
    Udp,
}

/// <summary>Announce URL helpers: which protocol, and the host and port of a <c>udp://</c> tracker. Pure.</summary>
internal static class TrackerUrl
{
    public static TrackerProtocol ProtocolOf(string? url)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri)) return TrackerProtocol.Unsupported;
        if (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) return TrackerProtocol.Http;
        return uri.Scheme == "udp" && TryParseUdp(url, out _, out _, out _) ? TrackerProtocol.Udp : TrackerProtocol.Unsupported;
    }

    /// <summary>
    /// Host (a name, or an IPv4/IPv6 literal without brackets) and port of <c>udp://host:port[/path]</c>. The path
    /// (usually <c>/announce</c>) is ignored: BEP 15 has no place for it. False with a reason for anything else.
    /// </summary>
    public static bool TryParseUdp(string url, out string host, out int port, out string? error)
    {
        host = "";
        port = 0;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != "udp")
        {
            error = $"'{url}' is not a udp:// URL";
            return false;
        }
        if (uri.Port is < 1 or > 65535)
        {
            error = $"'{url}' has no port (udp://host:port/announce)";
            return false;
        }
        host = uri.IdnHost;
        if (host.Length > 1 && host[0] == '[' && host[^1] == ']') host = host[1..^1];
        if (host.Length == 0)
        {
            error = $"'{url}' has no host";
            return false;
        }
        port = uri.Port;
        error = null;
        return true;
    }
}
