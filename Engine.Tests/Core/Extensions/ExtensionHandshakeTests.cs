using System.Net;
using System.Text;
using Engine.Core.Extensions;

namespace Engine.Tests.Core.Extensions;

public sealed class ExtensionHandshakeTests
{
    [Fact]
    public void A_libtorrent_style_handshake_decodes()
    {
        var payload = "d12:complete_agoi-1e1:md11:lt_donthavei7e10:share_modei8e11:upload_onlyi3e12:ut_holepunchi4e11:ut_metadatai2e6:ut_pexi1ee13:metadata_sizei31235e4:reqqi500e11:upload_onlyi1e1:v18:libtorrent 2.0.8.0e";
        var hs = ExtensionHandshake.Decode(Encoding.ASCII.GetBytes(payload));
        Assert.Equal(2, hs.IdOf("ut_metadata"));
        Assert.Equal(1, hs.IdOf("ut_pex"));
        Assert.Equal(31235, hs.MetadataSize);
        Assert.Equal(500, hs.RequestQueue);
        Assert.Equal("libtorrent 2.0.8.0", hs.Client);
        Assert.Null(hs.ListenPort);
        Assert.Null(hs.IdOf("lt_tex"));
    }

    [Fact]
    public void Encoding_round_trips_and_keeps_keys_sorted()
    {
        var hs = new ExtensionHandshake(new Dictionary<string, int> { ["ut_pex"] = 1, ["ut_metadata"] = 3 }, 1234, 6881, "Engine/0.1", 250);
        var bytes = hs.Encode();
        Assert.Equal("d1:md11:ut_metadatai3e6:ut_pexi1ee13:metadata_sizei1234e1:pi6881e4:reqqi250e1:v10:Engine/0.1e", Encoding.ASCII.GetString(bytes));
        var back = ExtensionHandshake.Decode(bytes);
        Assert.Equal(3, back.IdOf("ut_metadata"));
        Assert.Equal((1234, 6881, "Engine/0.1", 250), (back.MetadataSize, back.ListenPort, back.Client, back.RequestQueue));
    }

    [Fact]
    public void A_disabled_extension_and_fields_of_the_wrong_type_are_ignored()
    {
        var hs = ExtensionHandshake.Decode(Encoding.ASCII.GetBytes("d1:md11:ut_metadatai0ee13:metadata_size3:abc1:pi99999ee"));
        Assert.Null(hs.IdOf("ut_metadata"));
        Assert.Null(hs.MetadataSize);
        Assert.Null(hs.ListenPort);
    }

    [Theory]
    [InlineData("203.0.113.7", 4)]
    [InlineData("2001:db8::7", 16)]
    [InlineData("::ffff:203.0.113.7", 4)]
    public void Yourip_is_sent_compact_and_read_back(string address, int length)
    {
        var ip = IPAddress.Parse(address);
        var bytes = new ExtensionHandshake(new Dictionary<string, int>()) { YourIp = ip }.Encode();
        Assert.Contains($"6:yourip{length}:", Encoding.Latin1.GetString(bytes));
        var back = ExtensionHandshake.Decode(bytes).YourIp!;
        Assert.Equal(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip, back);
    }

    [Theory]
    [InlineData("d6:yourip3:abce")]
    [InlineData("d6:youripi4ee")]
    [InlineData("d6:yourip5:abcdee")]
    public void A_yourip_of_the_wrong_length_or_type_is_ignored(string payload)
        => Assert.Null(ExtensionHandshake.Decode(Encoding.ASCII.GetBytes(payload)).YourIp);

    [Theory]
    [InlineData("i5e", "not a dictionary")]
    [InlineData("d1:m", "not bencoded")]
    public void A_handshake_that_is_not_a_dictionary_is_refused(string payload, string message)
        => Assert.Contains(message, Assert.Throws<ExtensionException>(() => ExtensionHandshake.Decode(Encoding.ASCII.GetBytes(payload))).Message);
}
