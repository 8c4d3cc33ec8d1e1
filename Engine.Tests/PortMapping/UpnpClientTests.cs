using System.Net;
using Engine.Core.PortMapping;
using Engine.PortMapping;

namespace Engine.Tests.PortMapping;

/// <summary>The UPnP client's mappings against a fake gateway's control URL: the fallbacks UPnP errors call for, refusals, garbage, removal.</summary>
public sealed class UpnpClientTests
{
    private const string Service = "urn:schemas-upnp-org:service:WANIPConnection:1";
    private static readonly string External = "<NewExternalIPAddress>11.77.0.9</NewExternalIPAddress>";

    private static UpnpClient.Gateway GatewayAt(FakeGateway fake) => new(new UpnpService(Service, fake.ControlUrl), IPAddress.Parse("192.168.1.2"));

    [Fact]
    public async Task A_port_taken_by_someone_else_moves_to_the_next_one_and_the_external_address_is_reported()
    {
        await using var fake = new FakeGateway((action, body) => action switch
        {
            "GetExternalIPAddress" => (200, FakeGateway.Success(action, External)),
            "AddPortMapping" when body.Contains("<NewExternalPort>6881</NewExternalPort><NewProtocol>TCP", StringComparison.Ordinal) => (500, FakeGateway.Fault(718)),
            _ => (200, FakeGateway.Success(action)),
        });
        using var client = new UpnpClient();
        var mapped = await client.MapAsync(GatewayAt(fake), 6881, 6881, 6881, TimeSpan.FromHours(1), CancellationToken.None);
        Assert.Equal((IPAddress.Parse("11.77.0.9"), (int?)6882, (int?)6881, TimeSpan.FromHours(1)), (mapped.ExternalAddress, mapped.TcpPort, mapped.UdpPort, mapped.Lease));
        var tcp = fake.Calls.Where(c => c.Action == "AddPortMapping" && c.Body.Contains("TCP", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, tcp.Count);
        Assert.Contains("<NewInternalPort>6881</NewInternalPort><NewInternalClient>192.168.1.2</NewInternalClient>", tcp[1].Body);
    }

    [Fact]
    public async Task A_gateway_that_only_grants_permanent_leases_gets_lease_zero()
    {
        await using var fake = new FakeGateway((action, body) =>
            action == "AddPortMapping" && !body.Contains("<NewLeaseDuration>0<", StringComparison.Ordinal) ? (500, FakeGateway.Fault(725)) : (200, FakeGateway.Success(action)));
        using var client = new UpnpClient();
        var mapped = await client.MapAsync(GatewayAt(fake), 6881, 6881, 6881, TimeSpan.FromHours(1), CancellationToken.None);
        Assert.Equal(((int?)6881, (int?)6881, TimeSpan.Zero), (mapped.TcpPort, mapped.UdpPort, mapped.Lease));
        Assert.Null(mapped.ExternalAddress); // GetExternalIPAddress answered without one
    }

    [Fact]
    public async Task A_refusal_of_both_or_an_answer_that_is_not_upnp_is_one_clear_reason()
    {
        await using var refusing = new FakeGateway((action, _) => action == "AddPortMapping" ? (500, FakeGateway.Fault(606)) : (200, FakeGateway.Success(action)));
        using var client = new UpnpClient();
        var refused = await Assert.ThrowsAsync<UpnpException>(() => client.MapAsync(GatewayAt(refusing), 6881, 6881, 6881, TimeSpan.FromHours(1), CancellationToken.None));
        Assert.Equal("the gateway refused TCP 6881: UPnP error 606 (Action not authorized)", refused.Message);

        await using var garbage = new FakeGateway((_, _) => (200, "<html>hello</html>"));
        var notUpnp = await Assert.ThrowsAsync<UpnpException>(() => client.MapAsync(GatewayAt(garbage), 6881, 6881, 6881, TimeSpan.FromHours(1), CancellationToken.None));
        Assert.Equal("GetExternalIPAddress: the gateway's answer is not UPnP", notUpnp.Message);
    }

    [Fact]
    public async Task Removal_deletes_both_protocols_and_tolerates_a_gateway_that_refuses()
    {
        await using var fake = new FakeGateway((action, _) => (500, FakeGateway.Fault(714)));
        using var client = new UpnpClient();
        await client.DeleteAsync(GatewayAt(fake), 6882, 6881, CancellationToken.None);
        Assert.Equal(["DeletePortMapping", "DeletePortMapping"], fake.Calls.Select(c => c.Action));
        Assert.Contains("<NewExternalPort>6882</NewExternalPort><NewProtocol>TCP</NewProtocol>", fake.Calls[0].Body);
        Assert.Contains("<NewExternalPort>6881</NewExternalPort><NewProtocol>UDP</NewProtocol>", fake.Calls[1].Body);
    }
}
