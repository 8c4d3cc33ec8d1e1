using Engine.Core.Trackers;

namespace Engine.Tests.Core.Trackers;

public sealed class TrackerUrlTests
{
    [Theory]
    [InlineData("http://t.example/announce", TrackerProtocol.Http)]
    [InlineData("HTTPS://t.example:8443/a?x=1", TrackerProtocol.Http)]
    [InlineData("udp://t.example:6969/announce", TrackerProtocol.Udp)]
    [InlineData("udp://t.example:6969", TrackerProtocol.Udp)]
    [InlineData("udp://t.example/announce", TrackerProtocol.Unsupported)]
    [InlineData("wss://t.example/announce", TrackerProtocol.Unsupported)]
    [InlineData("not a url", TrackerProtocol.Unsupported)]
    [InlineData(null, TrackerProtocol.Unsupported)]
    public void The_protocol_is_known_by_the_scheme(string? url, object expected) => Assert.Equal((TrackerProtocol)expected, TrackerUrl.ProtocolOf(url));

    [Theory]
    [InlineData("udp://127.0.0.1:6969/announce", "127.0.0.1", 6969)]
    [InlineData("udp://[::1]:1337/announce", "::1", 1337)]
    [InlineData("udp://Tracker.Example.org:80", "tracker.example.org", 80)]
    public void Udp_urls_give_host_and_port(string url, string host, int port)
    {
        Assert.True(TrackerUrl.TryParseUdp(url, out var h, out var p, out var error), error);
        Assert.Equal(host, h);
        Assert.Equal(port, p);
    }

    [Theory]
    [InlineData("udp://host/announce", "no port")]
    [InlineData("http://host:1/announce", "not a udp:// URL")]
    [InlineData("udp://host:0/announce", "no port")]
    public void Bad_udp_urls_are_refused_with_a_reason(string url, string reason)
    {
        Assert.False(TrackerUrl.TryParseUdp(url, out _, out _, out var error));
        Assert.Contains(reason, error);
    }
}
