using System.Net;
using System.Net.Sockets;
using System.Text;
using Engine.Resolving;
using Engine.Tests.Support;

namespace Engine.Tests.Resolving;

/// <summary>The engine's HTTP clients connect to the address <see cref="HostLookup"/> gives for the URL's host.</summary>
public sealed class LookupConnectTests
{
    [Fact]
    public async Task An_http_request_to_a_name_goes_to_the_address_our_lookup_gives_for_it()
    {
        await using var server = new TinyHttpServer(_ => (200, Encoding.ASCII.GetBytes("d8:intervali60ee")));
        var asked = new List<string>();
        var lookup = new HostLookup(host => { lock (asked) asked.Add(host); return [IPAddress.Loopback]; }, () => Environment.TickCount64);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }.Through(lookup)) { Timeout = TimeSpan.FromSeconds(10) };

        var body = await http.GetStringAsync($"http://tracker.lab.example:{server.Port}/announce?x=1");

        Assert.Equal("d8:intervali60ee", body);
        Assert.Equal(["tracker.lab.example"], asked);
        Assert.Equal(["/announce?x=1"], server.Requests);
    }

    [Fact]
    public async Task A_name_our_lookup_cannot_find_fails_the_request_with_the_lookup_error()
    {
        var lookup = new HostLookup(_ => throw new SocketException((int)SocketError.HostNotFound), () => Environment.TickCount64);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }.Through(lookup)) { Timeout = TimeSpan.FromSeconds(10) };

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync("http://gone.lab.example:1/announce"));

        Assert.Equal(SocketError.HostNotFound, Assert.IsType<SocketException>(error.InnerException).SocketErrorCode);
    }
}
