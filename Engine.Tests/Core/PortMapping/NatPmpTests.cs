using System.Net;
using Engine.Core.PortMapping;

namespace Engine.Tests.Core.PortMapping;

public sealed class NatPmpTests
{
    [Fact]
    public void Requests_are_laid_out_as_rfc_6886_says()
    {
        Assert.Equal([0, 0], NatPmp.ExternalAddressRequest());
        Assert.Equal(Convert.FromHexString("000200001AE11AE200001C20"), NatPmp.MapRequest(tcp: true, 6881, 6882, TimeSpan.FromHours(2)));
        Assert.Equal(Convert.FromHexString("000100001AE1000000000000"), NatPmp.MapRequest(tcp: false, 6881, 0, TimeSpan.Zero)); // a deletion
    }

    [Fact]
    public void Answers_decode_and_anything_else_is_null()
    {
        var address = Assert.IsType<NatPmpResponse.ExternalAddress>(NatPmp.TryDecode(Convert.FromHexString("008000000000002A0B4D0004")));
        Assert.Equal((0, 42u, IPAddress.Parse("11.77.0.4")), (address.Result, address.Epoch, address.Address));
        var map = Assert.IsType<NatPmpResponse.Mapping>(NatPmp.TryDecode(Convert.FromHexString("00820000000000031AE11AE100000E10")));
        Assert.Equal((true, 6881, 6881, TimeSpan.FromHours(1)), (map.Tcp, map.InternalPort, map.ExternalPort, map.Lifetime));
        var refused = Assert.IsType<NatPmpResponse.Mapping>(NatPmp.TryDecode(Convert.FromHexString("00810003000000031AE1000000000000")));
        Assert.Equal(3, refused.Result);
        Assert.False(refused.Tcp);
        Assert.Contains("network failure", NatPmp.Describe(refused.Result));

        Assert.Null(NatPmp.TryDecode([]));
        Assert.Null(NatPmp.TryDecode(Convert.FromHexString("0080000000000001"))); // an address answer cut short
        Assert.Null(NatPmp.TryDecode(Convert.FromHexString("010200001AE11AE200001C20"))); // version 1
        Assert.Null(NatPmp.TryDecode(Convert.FromHexString("000200001AE11AE200001C20"))); // a request, not an answer
        Assert.Null(NatPmp.TryDecode(Convert.FromHexString("008300000000000100000000000000000000"))); // unknown opcode
    }

    [Fact]
    public void The_default_gateway_is_read_from_proc_net_route()
    {
        const string table = """
            Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
            eth0	000200C0	00000000	0001	0	0	0	00FFFFFF	0	0	0
            eth0	00000000	010200C0	0003	0	0	0	00000000	0	0	0
            """;
        Assert.Equal(IPAddress.Parse("192.0.2.1"), DefaultGateway.Parse(table));
        Assert.Null(DefaultGateway.Parse("Iface\tDestination\tGateway\tFlags\neth0\t000200C0\t00000000\t0001\n"));
        Assert.Null(DefaultGateway.Parse(""));
        Assert.Null(DefaultGateway.Parse("garbage\nmore garbage\t\t"));
    }
}
