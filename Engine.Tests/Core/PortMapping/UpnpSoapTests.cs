using System.Net;
using Engine.Core.PortMapping;

namespace Engine.Tests.Core.PortMapping;

public sealed class UpnpSoapTests
{
    private const string Service = "urn:schemas-upnp-org:service:WANIPConnection:1";

    [Fact]
    public void Add_port_mapping_carries_every_argument_in_order_escaped()
    {
        var request = UpnpSoap.AddPortMapping(Service, 6881, tcp: true, 6882, IPAddress.Parse("192.168.1.2"), "engine <6881>", TimeSpan.FromHours(1));
        Assert.Equal("AddPortMapping", request.Action);
        Assert.Equal("\"urn:schemas-upnp-org:service:WANIPConnection:1#AddPortMapping\"", request.SoapAction);
        Assert.Contains("<s:Body><u:AddPortMapping xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\"><NewRemoteHost></NewRemoteHost>" +
            "<NewExternalPort>6881</NewExternalPort><NewProtocol>TCP</NewProtocol><NewInternalPort>6882</NewInternalPort>" +
            "<NewInternalClient>192.168.1.2</NewInternalClient><NewEnabled>1</NewEnabled>" +
            "<NewPortMappingDescription>engine &lt;6881&gt;</NewPortMappingDescription><NewLeaseDuration>3600</NewLeaseDuration>" +
            "</u:AddPortMapping></s:Body></s:Envelope>", request.Body);
    }

    [Fact]
    public void The_other_actions_name_the_mapping_by_external_port_and_protocol()
    {
        Assert.Contains("<u:DeletePortMapping xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\"><NewRemoteHost></NewRemoteHost>" +
            "<NewExternalPort>6881</NewExternalPort><NewProtocol>UDP</NewProtocol></u:DeletePortMapping>",
            UpnpSoap.DeletePortMapping(Service, 6881, tcp: false).Body);
        Assert.Contains("<u:GetExternalIPAddress xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\"></u:GetExternalIPAddress>",
            UpnpSoap.GetExternalIPAddress(Service).Body);
        Assert.Equal("\"urn:schemas-upnp-org:service:WANIPConnection:1#GetSpecificPortMappingEntry\"",
            UpnpSoap.GetSpecificPortMappingEntry(Service, 6881, tcp: true).SoapAction);
    }

    [Fact]
    public void Every_request_is_a_well_formed_envelope_our_parser_reads_back()
    {
        var request = UpnpSoap.AddPortMapping(Service, 1, tcp: false, 2, IPAddress.Loopback, "a&b\"c'", TimeSpan.Zero);
        var echoed = request.Body.Replace("AddPortMapping", "AddPortMappingResponse", StringComparison.Ordinal);
        var values = Assert.IsType<UpnpSoapResult.Success>(UpnpSoap.TryParseResponse(echoed, "AddPortMapping")).Values;
        Assert.Equal("a&b\"c'", values["NewPortMappingDescription"]);
        Assert.Equal("0", values["NewLeaseDuration"]);
    }

    [Fact]
    public void A_response_gives_its_out_arguments()
    {
        const string body = """
            <?xml version="1.0"?>
            <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>
            <u:GetExternalIPAddressResponse xmlns:u="urn:schemas-upnp-org:service:WANIPConnection:1"><NewExternalIPAddress>11.77.0.4</NewExternalIPAddress>
            </u:GetExternalIPAddressResponse></s:Body></s:Envelope>
            """;
        var success = Assert.IsType<UpnpSoapResult.Success>(UpnpSoap.TryParseResponse(body, "GetExternalIPAddress"));
        Assert.Equal("11.77.0.4", success.Values["NewExternalIPAddress"]);
        Assert.Null(UpnpSoap.TryParseResponse(body, "AddPortMapping")); // the answer to another action
        var empty = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><u:DeletePortMappingResponse xmlns:u=\"x\"/></s:Body></s:Envelope>";
        Assert.Empty(Assert.IsType<UpnpSoapResult.Success>(UpnpSoap.TryParseResponse(empty, "DeletePortMapping")).Values);
    }

    [Fact]
    public void A_fault_gives_the_upnp_error_code_and_description()
    {
        const string body = """
            <?xml version="1.0"?>
            <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body><s:Fault>
            <faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail><UPnPError xmlns="urn:schemas-upnp-org:control-1-0">
            <errorCode>718</errorCode><errorDescription>ConflictInMappingEntry</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>
            """;
        var fault = Assert.IsType<UpnpSoapResult.Fault>(UpnpSoap.TryParseResponse(body, "AddPortMapping"));
        Assert.Equal((718, "ConflictInMappingEntry"), (fault.Code, fault.Description));
        Assert.Equal("UPnP error 718 (ConflictInMappingEntry)", fault.ToString());
        var bare = Assert.IsType<UpnpSoapResult.Fault>(UpnpSoap.TryParseResponse(body.Replace("<errorDescription>ConflictInMappingEntry</errorDescription>", "", StringComparison.Ordinal)
            .Replace("718", "725", StringComparison.Ordinal), "AddPortMapping"));
        Assert.Equal("UPnP error 725 (OnlyPermanentLeasesSupported)", bare.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html><body>500 Internal Server Error</body></html>")]
    [InlineData("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>")]
    [InlineData("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><u:AddPortMappingResponse><x><y/></x></u:AddPortMappingResponse></s:Body></s:Envelope>")]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE s [<!ENTITY x SYSTEM \"file:///etc/hostname\">]><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><u:AddPortMappingResponse xmlns:u=\"x\"><A>&x;</A></u:AddPortMappingResponse></s:Body></s:Envelope>")]
    public void Garbage_and_documents_with_a_dtd_are_null(string body) => Assert.Null(UpnpSoap.TryParseResponse(body, "AddPortMapping"));

    [Fact]
    public void Mutated_responses_never_throw()
    {
        var random = new Random(16);
        var valid = UpnpSoap.AddPortMapping(Service, 6881, tcp: true, 6881, IPAddress.Parse("192.168.1.2"), "engine", TimeSpan.FromHours(1)).Body
            .Replace("AddPortMapping", "AddPortMappingResponse", StringComparison.Ordinal);
        const string alphabet = "<>/=\"'&;![]-? :sBodyFault";
        for (var i = 0; i < 2000; i++)
        {
            var chars = valid.ToCharArray();
            for (var k = random.Next(1, 8); k > 0; k--) chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            _ = UpnpSoap.TryParseResponse(new string(chars, 0, random.Next(chars.Length + 1)), "AddPortMapping");
        }
    }

    [Fact]
    public void Errors_lead_to_the_next_attempt_or_to_giving_up()
    {
        var first = new UpnpMappingAttempt(6881, TimeSpan.FromHours(1));
        Assert.Equal(first with { Lease = TimeSpan.Zero }, first.After(725, 6881));
        Assert.Null(first with { Lease = TimeSpan.Zero } is var permanent ? permanent.After(725, 6881) : null);
        Assert.Equal(new UpnpMappingAttempt(6882, TimeSpan.FromHours(1), 2), first.After(718, 6881));
        var attempt = first;
        var tries = 1;
        while (attempt.After(718, 6881) is { } next) (attempt, tries) = (next, tries + 1);
        Assert.Equal(UpnpMappingAttempt.MaxTries, tries);
        Assert.Equal(1024, new UpnpMappingAttempt(65535, TimeSpan.Zero).After(729, 6881)?.ExternalPort);
        Assert.Equal(6881, new UpnpMappingAttempt(6885, TimeSpan.Zero).After(724, 6881)?.ExternalPort);
        Assert.Null(first.After(724, 6881));
        Assert.Null(first.After(402, 6881));
        Assert.Null(first.After(501, 6881));
    }
}
