using System.Text;
using Engine.TrackerServer;

namespace Engine.Tests.TrackerServer;

public class HttpRequestHeadTests
{
    private static (bool Ok, HttpRequestHead? Head, int Status, string? Problem) Parse(string head)
    {
        var ok = HttpRequestHead.TryParse(Encoding.Latin1.GetBytes(head), out var request, out var status, out var problem);
        return (ok, request, status, problem);
    }

    [Fact]
    public void Request_line_path_query_and_keep_alive_are_read()
    {
        var (ok, head, _, _) = Parse("GET /announce?a=1&b=%20#frag HTTP/1.1\r\nHost: x\r\nUser-Agent: t");
        Assert.True(ok);
        Assert.Equal(new HttpRequestHead("GET", "/announce", "a=1&b=%20", true, 0), head);
        Assert.False(Parse("GET / HTTP/1.0").Head!.KeepAlive);
        Assert.True(Parse("GET / HTTP/1.0\r\nConnection: Keep-Alive").Head!.KeepAlive);
        Assert.False(Parse("GET / HTTP/1.1\r\nconnection: close").Head!.KeepAlive);
        Assert.Equal(1234, Parse("POST /publish HTTP/1.1\r\ncontent-length: 1234").Head!.ContentLength);
    }

    [Theory]
    [InlineData("GET /", 400, "malformed request line")]
    [InlineData("GET  / HTTP/1.1", 400, "malformed request line")]
    [InlineData("GET / HTTP/2.0", 505, "only HTTP/1.0")]
    [InlineData("GET / FTP", 400, "malformed request line")]
    [InlineData("GET http://x/ HTTP/1.1", 400, "must be a path")]
    [InlineData("GET / HTTP/1.1\r\nno colon here", 400, "malformed header")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: -1", 400, "invalid Content-Length")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2", 400, "invalid Content-Length")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: chunked", 411, "chunked")]
    [InlineData("", 400, "malformed request line")]
    public void Malformed_heads_give_a_status_and_a_reason(string head, int status, string problem)
    {
        var parsed = Parse(head);
        Assert.False(parsed.Ok);
        Assert.Equal(status, parsed.Status);
        Assert.Contains(problem, parsed.Problem);
    }

    [Fact]
    public void Random_heads_never_throw()
    {
        var rng = new Random(2);
        var bytes = new byte[300];
        for (var i = 0; i < 20_000; i++)
        {
            var length = rng.Next(bytes.Length);
            rng.NextBytes(bytes.AsSpan(0, length));
            if (rng.Next(2) == 0) "GET / HTTP/1.1\r\n"u8.CopyTo(bytes);
            HttpRequestHead.TryParse(bytes.AsSpan(0, Math.Max(length, 0)), out _, out _, out _);
        }
    }
}
