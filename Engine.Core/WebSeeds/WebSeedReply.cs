namespace Engine.Core.WebSeeds;

/// <summary>
/// Whether a web seed's reply to a range request can be read as the range asked for: <c>206</c> with a
/// <c>Content-Range</c> naming exactly those bytes (and a <c>Content-Length</c>, when given, of that size), or
/// <c>200</c> when the range is the whole file and the length, when given, is the file's. Anything else is an error
/// whose text says why; the body is then not read.
/// </summary>
internal static class WebSeedReply
{
    /// <param name="status">The HTTP status code.</param>
    /// <param name="rangeFrom">Content-Range's first byte (null: no Content-Range).</param>
    /// <param name="rangeTo">Content-Range's last byte.</param>
    /// <param name="contentLength">Content-Length (null: not given).</param>
    /// <returns>null when the body is the range; otherwise why not.</returns>
    public static string? Check(int status, long? rangeFrom, long? rangeTo, long? contentLength, WebSeedRange asked, long fileLength)
    {
        if (status == 206)
        {
            if (rangeFrom is null || rangeTo is null) return "206 without a Content-Range";
            if (rangeFrom != asked.FileOffset || rangeTo != asked.LastByte)
                return $"206 for bytes {rangeFrom}-{rangeTo}, asked for {asked.FileOffset}-{asked.LastByte}";
            if (contentLength is { } n && n != asked.Length) return $"206 with a Content-Length of {n}, the range has {asked.Length}";
            return null;
        }
        if (status == 200)
        {
            if (asked.FileOffset != 0 || asked.Length != fileLength) return "200 (the whole file) for a part of it: the server ignores ranges";
            if (contentLength is { } n && n != fileLength) return $"200 with a Content-Length of {n}, the file has {fileLength}";
            return null;
        }
        return $"HTTP {status}";
    }
}
