using System.Text;
using Engine.Core.Primitives;
using Engine.Core.Wire;

namespace Engine.Tests.Core.Wire;

public sealed class HandshakePrefixTests
{
    [Fact]
    public void Every_prefix_of_a_real_handshake_is_plausible()
    {
        var hs = new Handshake(InfoHash.FromHex("0123456789abcdef0123456789abcdef01234567"), PeerId.CreateOurs(), true, true).ToArray();
        for (var n = 0; n <= hs.Length; n++) Assert.True(HandshakePrefix.IsPlausible(hs.AsSpan(0, n)), $"{n} bytes");
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n")]
    [InlineData("\u0013BitTorrent protocoX")]
    [InlineData("\u0014")]
    [InlineData("\u0013bit")]
    public void Garbage_is_refused_at_its_first_wrong_byte(string start)
    {
        Assert.False(HandshakePrefix.IsPlausible(Encoding.Latin1.GetBytes(start)));
    }
}
