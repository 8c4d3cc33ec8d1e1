using Engine.Core.PortMapping;

namespace Engine.Tests.Core.PortMapping;

public sealed class UpnpDescriptionTests
{
    private static readonly Uri Location = new("http://192.168.1.1:5000/rootDesc.xml");

    // The shape miniupnpd serves: the gateway device, its WAN device, its WAN connection device, the services last.
    internal const string Miniupnpd = """
        <?xml version="1.0"?>
        <root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major><minor>0</minor></specVersion>
        <device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
        <serviceList><service><serviceType>urn:schemas-upnp-org:service:Layer3Forwarding:1</serviceType>
        <serviceId>urn:upnp-org:serviceId:L3Forwarding1</serviceId><controlURL>/ctl/L3F</controlURL></service></serviceList>
        <deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>
        <serviceList><service><serviceType>urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1</serviceType><controlURL>/ctl/CmnIfCfg</controlURL></service></serviceList>
        <deviceList><device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>
        <serviceList><service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType>
        <serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId><SCPDURL>/WANIPCn.xml</SCPDURL><controlURL>/ctl/IPConn</controlURL>
        <eventSubURL>/evt/IPConn</eventSubURL></service></serviceList></device></deviceList></device></deviceList></device></root>
        """;

    [Fact]
    public void The_wan_ip_connection_control_url_is_found_and_resolved_against_the_location()
    {
        var service = UpnpDescription.TryFindService(Miniupnpd, Location);
        Assert.Equal(new UpnpService("urn:schemas-upnp-org:service:WANIPConnection:1", new Uri("http://192.168.1.1:5000/ctl/IPConn")), service);
    }

    [Fact]
    public void Url_base_wins_over_the_location_and_ip_over_ppp()
    {
        const string xml = """
            <root xmlns="urn:schemas-upnp-org:device-1-0"><URLBase>http://192.168.1.1:49000/base/</URLBase><device><serviceList>
            <service><serviceType>urn:schemas-upnp-org:service:WANPPPConnection:1</serviceType><controlURL>ppp</controlURL></service>
            <service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:2</serviceType><controlURL>ip/ctl</controlURL></service>
            </serviceList></device></root>
            """;
        var service = UpnpDescription.TryFindService(xml, Location);
        Assert.Equal(new UpnpService("urn:schemas-upnp-org:service:WANIPConnection:2", new Uri("http://192.168.1.1:49000/base/ip/ctl")), service);
        var pppOnly = UpnpDescription.TryFindService(xml.Replace("WANIPConnection", "Other", StringComparison.Ordinal), Location);
        Assert.Equal("http://192.168.1.1:49000/base/ppp", pppOnly?.ControlUrl.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("not xml at all")]
    [InlineData("<root><device><serviceList></serviceList></device></root>")] // no WAN connection service
    [InlineData("<root><service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType></service></root>")] // no control URL
    [InlineData("<root><service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType><controlURL>http://10.9.9.9/ctl</controlURL></service></root>")] // another host
    [InlineData("<root><service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType><controlURL>file:///etc/passwd</controlURL></service></root>")]
    [InlineData("<root><service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType><controlURL>/ctl</controlURL></service>")] // cut short
    public void Anything_else_is_null(string xml) => Assert.Null(UpnpDescription.TryFindService(xml, Location));

    [Fact]
    public void Documents_with_a_dtd_or_over_the_size_cap_are_refused_without_expanding_anything()
    {
        const string laughs = """
            <?xml version="1.0"?><!DOCTYPE root [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
            <root><service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType><controlURL>/&c;</controlURL></service></root>
            """;
        Assert.Null(UpnpDescription.TryFindService(laughs, Location));
        const string external = """
            <?xml version="1.0"?><!DOCTYPE root [<!ENTITY x SYSTEM "file:///etc/hostname">]>
            <root><service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType><controlURL>/&x;</controlURL></service></root>
            """;
        Assert.Null(UpnpDescription.TryFindService(external, Location));
        Assert.Null(UpnpDescription.TryFindService(Miniupnpd + new string(' ', UpnpXml.MaxChars), Location));
    }

    [Fact]
    public void Mutated_descriptions_never_throw()
    {
        var random = new Random(16);
        const string alphabet = "<>/=\"'&;![]-? axURL";
        for (var i = 0; i < 2000; i++)
        {
            var chars = Miniupnpd.ToCharArray();
            for (var k = random.Next(1, 8); k > 0; k--) chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            var text = new string(chars, 0, random.Next(chars.Length + 1));
            if (UpnpDescription.TryFindService(text, Location) is { } found) Assert.Equal("http", found.ControlUrl.Scheme);
        }
    }
}
