using System.Text;
using Engine.Core.PortMapping;

namespace Engine.Tests.Core.PortMapping;

public sealed class SsdpTests
{
    [Fact]
    public void A_search_asks_for_the_target_on_the_multicast_address()
    {
        var text = Encoding.ASCII.GetString(Ssdp.SearchRequest("urn:schemas-upnp-org:device:InternetGatewayDevice:1"));
        Assert.Equal("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n" +
            "MAN: \"ssdp:discover\"\r\nMX: 2\r\n\r\n", text);
        Assert.Equal("239.255.255.250:1900", Ssdp.MulticastEndPoint.ToString());
        Assert.Contains("urn:schemas-upnp-org:service:WANPPPConnection:1", Ssdp.SearchTargets);
    }

    [Fact]
    public void The_location_is_read_from_an_answer_whatever_the_header_case()
    {
        var answer = "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n" +
            "location:  http://192.168.1.1:5000/rootDesc.xml \r\nSERVER: Debian/13 UPnP/1.1 MiniUPnPd/2.3\r\n\r\n";
        Assert.Equal(new Uri("http://192.168.1.1:5000/rootDesc.xml"), Ssdp.TryParseLocation(Encoding.ASCII.GetBytes(answer)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("NOTIFY * HTTP/1.1\r\nLOCATION: http://192.168.1.1/d.xml\r\n\r\n")] // an advertisement, not an answer
    [InlineData("HTTP/1.1 404 Not Found\r\nLOCATION: http://192.168.1.1/d.xml\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nST: x\r\n\r\n")] // no location
    [InlineData("HTTP/1.1 200 OK\r\nLOCATION: https://192.168.1.1/d.xml\r\n\r\n")] // not plain http
    [InlineData("HTTP/1.1 200 OK\r\nLOCATION: file:///etc/passwd\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nLOCATION: /relative.xml\r\n\r\n")]
    public void Anything_but_an_answer_with_an_http_location_is_ignored(string text) =>
        Assert.Null(Ssdp.TryParseLocation(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void Oversized_answers_and_locations_are_ignored()
    {
        var padded = "HTTP/1.1 200 OK\r\nX: " + new string('a', Ssdp.MaxResponseBytes) + "\r\nLOCATION: http://192.168.1.1/d.xml\r\n\r\n";
        Assert.Null(Ssdp.TryParseLocation(Encoding.ASCII.GetBytes(padded)));
        var longLocation = "HTTP/1.1 200 OK\r\nLOCATION: http://192.168.1.1/" + new string('a', 600) + "\r\n\r\n";
        Assert.Null(Ssdp.TryParseLocation(Encoding.ASCII.GetBytes(longLocation)));
    }

    [Fact]
    public void Random_datagrams_never_throw()
    {
        var random = new Random(16);
        var valid = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nLOCATION: http://192.168.1.1:5000/rootDesc.xml\r\n\r\n");
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            _ = Ssdp.TryParseLocation(bytes);
            var mutated = (byte[])valid.Clone();
            for (var k = random.Next(1, 6); k > 0; k--) mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            _ = Ssdp.TryParseLocation(mutated.AsSpan(0, random.Next(mutated.Length + 1)));
        }
    }
}
