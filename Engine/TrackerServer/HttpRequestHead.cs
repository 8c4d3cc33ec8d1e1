using System.Globalization;
using System.Text;

namespace Engine.TrackerServer;

/// <summary>The request line and the headers the tracker's HTTP server cares about.</summary>
internal sealed record HttpRequestHead(string Method, string Path, string Query, bool KeepAlive, long ContentLength)
{
    /// <summary>The <c>Authorization</c> header's value, if any.</summary>
    public string? Authorization { get; init; }

    /// <summary>
    /// Parses an HTTP/1.x request head (request line and headers, up to the blank line, which is not included).
    /// False with an HTTP status and reason for anything malformed or unsupported. Bytes are read as Latin-1, so
    /// raw bytes in the target survive to the query parser. Pure.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> head, out HttpRequestHead? request, out int status, out string? problem)
    {
        request = null;
        status = 400;
        var text = Encoding.Latin1.GetString(head);
        var lines = text.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            problem = "malformed request line";
            return false;
        }
        var (method, target, version) = (parts[0], parts[1], parts[2]);
        if (version is not ("HTTP/1.1" or "HTTP/1.0"))
        {
            (status, problem) = version.StartsWith("HTTP/", StringComparison.Ordinal) ? (505, "only HTTP/1.0 and HTTP/1.1 are supported") : (400, "malformed request line");
            return false;
        }
        if (target[0] != '/')
        {
            problem = "the request target must be a path";
            return false;
        }
        var keepAlive = version == "HTTP/1.1";
        string? authorization = null;
        long contentLength = 0;
        var sawLength = false;
        for (var i = 1; i < lines.Length; i++)
        {
            var colon = lines[i].IndexOf(':');
            if (colon <= 0)
            {
                problem = "malformed header line";
                return false;
            }
            var name = lines[i][..colon].Trim();
            var value = lines[i][(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (sawLength || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out contentLength))
                {
                    problem = "invalid Content-Length";
                    return false;
                }
                sawLength = true;
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                (status, problem) = (411, "chunked bodies are not supported: send Content-Length");
                return false;
            }
            else if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)) authorization = value;
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                if (value.Contains("close", StringComparison.OrdinalIgnoreCase)) keepAlive = false;
                else if (value.Contains("keep-alive", StringComparison.OrdinalIgnoreCase)) keepAlive = true;
            }
        }
        var question = target.IndexOf('?');
        var path = question < 0 ? target : target[..question];
        var query = question < 0 ? "" : target[(question + 1)..];
        var hash = query.IndexOf('#');
        if (hash >= 0) query = query[..hash];
        request = new HttpRequestHead(method, path, query, keepAlive, contentLength) { Authorization = authorization };
        problem = null;
        status = 200;
        return true;
    }
}
