using System.Net;
using Engine.Core.Dht;

namespace Engine.Tests.Core.Dht;

/// <summary>BEP 42's own test vectors, and what is exempt.</summary>
public sealed class NodeIdSecurityTests
{
    [Theory]
    [InlineData("124.31.75.21", 1, "5fbfbff10c5d6a4ec8a88e4c6ab4c28b95eee401")]
    [InlineData("21.75.31.124", 86, "5a3ce9c14e7a08645677bbd1cfe7d8f956d53256")]
    [InlineData("65.23.51.170", 22, "a5d43220bc8f112a3d426c84764f8c2a1150e616")]
    [InlineData("84.124.73.14", 65, "1b0321dd1bb1fe518101ceef99462b947a01ff41")]
    [InlineData("43.213.53.83", 90, "e56f6cbf5b7c4be0237986d5243b87aa6d51305a")]
    public void The_bep_42_examples_are_valid_and_generated_ids_share_their_first_21_bits(string ip, int rand, string example)
    {
        var address = IPAddress.Parse(ip);
        var expected = NodeId.FromBytes(Convert.FromHexString(example));
        Assert.True(NodeIdSecurity.IsValid(expected, address));
        var generated = NodeIdSecurity.Generate(address, (byte)rand, new Random(rand));
        Assert.True(generated.CommonPrefix(expected) >= 21);
        Assert.Equal((byte)rand, generated.ToArray()[19]);
        Assert.True(NodeIdSecurity.IsValid(generated, address));
    }

    [Fact]
    public void An_id_made_for_another_address_is_not_valid_for_a_public_one()
    {
        var rng = new Random(3);
        var invalid = 0;
        for (var i = 0; i < 100; i++)
            if (!NodeIdSecurity.IsValid(NodeIdSecurity.Generate(IPAddress.Parse("124.31.75.21"), rng), IPAddress.Parse("65.23.51.170"))) invalid++;
        Assert.True(invalid >= 95, $"{invalid} of 100");
        Assert.True(NodeIdSecurity.IsValid(NodeIdSecurity.Generate(IPAddress.Parse("2001:db8::1"), rng), IPAddress.Parse("2001:db8::1")));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("192.168.0.9")]
    [InlineData("172.20.0.1")]
    [InlineData("169.254.1.1")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fd00::5")]
    public void Local_and_private_addresses_accept_any_id(string ip)
        => Assert.True(NodeIdSecurity.IsValid(NodeId.Random(new Random(4)), IPAddress.Parse(ip)));
}
