using System.Text;
using Engine.Core.Primitives;

namespace Engine.Tests.Api;

public sealed class ClientNamesTests
{
    private static string? Name(string id) => ClientNames.Describe(PeerId.FromBytes(Encoding.Latin1.GetBytes(id)));

    [Theory]
    [InlineData("-LT2080-abcdefghijkl", "libtorrent 2.0.8")]
    [InlineData("-TR3000-abcdefghijkl", "Transmission 3.00")]
    [InlineData("-qB4560-abcdefghijkl", "qBittorrent 4.5.6")]
    [InlineData("-lt0D80-abcdefghijkl", "libTorrent (rakshasa) 0.13.8")]
    [InlineData("-WW0109-abcdefghijkl", "WebTorrent 1.9")]
    [InlineData("-WW0210-abcdefghijkl", "WebTorrent 2.10")]
    [InlineData("-DE13F0-abcdefghijkl", "Deluge 1.3.15")]
    [InlineData("-CD0303-abcdefghijkl", "Enhanced CTorrent 0.3.0.3")]
    [InlineData("-AK0100-abcdefghijkl", "Engine 0.1")]
    [InlineData("-ZZ1234-abcdefghijkl", "ZZ 1.2.3.4")]
    [InlineData("A2-1-36-0-abcdefghij", "aria2 1.36.0")]
    [InlineData("-lftp47-1bd46b16dfd2", "lftp")]
    public void Known_id_schemes_name_the_client_and_version(string id, string expected) => Assert.Equal(expected, Name(id));

    [Theory]
    [InlineData("M7-2-0--abcdefghijkl")]
    [InlineData("-L\u0001123-abcdefghijklm")]
    [InlineData("abcdefghijklmnopqrst")]
    [InlineData("A2-x-36-0-abcdefghij")]
    public void Other_ids_are_unknown(string id) => Assert.Null(Name(id));

    [Fact]
    public void Random_ids_never_throw()
    {
        var random = new Random(1);
        var bytes = new byte[20];
        for (var i = 0; i < 10_000; i++)
        {
            random.NextBytes(bytes);
            if (i % 3 == 0) { bytes[0] = (byte)'-'; bytes[7] = (byte)'-'; }
            if (i % 3 == 1) { bytes[0] = (byte)'A'; bytes[1] = (byte)'2'; bytes[2] = (byte)'-'; }
            ClientNames.Describe(PeerId.FromBytes(bytes));
        }
    }
}
