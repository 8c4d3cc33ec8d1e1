using System.Text;
using Engine.Core.Lsd;
using Engine.Core.Primitives;

namespace Engine.Tests.Core.Lsd;

public sealed class LsdAnnounceTests
{
    private static readonly InfoHash A = InfoHash.FromHex("c0fda1edafdbdbb96443424e0b3899af7159d10e");
    private static readonly InfoHash B = InfoHash.FromHex("0123456789abcdef0123456789abcdef01234567");

    [Fact]
    public void An_announce_is_bep_14_text_and_parses_back()
    {
        var bytes = new LsdAnnounce(6881, [A, B], "abcd1234").Encode(v6: false);
        Assert.Equal("BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 6881\r\nInfohash: c0fda1edafdbdbb96443424e0b3899af7159d10e\r\n" +
                     "Infohash: 0123456789abcdef0123456789abcdef01234567\r\ncookie: abcd1234\r\n\r\n\r\n", Encoding.ASCII.GetString(bytes));
        var back = LsdAnnounce.TryParse(bytes)!;
        Assert.Equal((6881, "abcd1234"), (back.Port, back.Cookie));
        Assert.Equal([A, B], back.InfoHashes);
        Assert.Contains("Host: [ff15::efc0:988f]:6771", Encoding.ASCII.GetString(new LsdAnnounce(1, [A], null).Encode(v6: true)));
    }

    [Fact]
    public void Header_names_are_case_insensitive_and_unknown_headers_are_ignored()
    {
        var text = "BT-SEARCH * HTTP/1.1\r\nHOST: 239.192.152.143:6771\r\nX-Other: 1\r\nport: 51413\r\ninfohash: C0FDA1EDAFDBDBB96443424E0B3899AF7159D10E\r\n\r\n\r\n";
        var parsed = LsdAnnounce.TryParse(Encoding.ASCII.GetBytes(text))!;
        Assert.Equal((51413, (string?)null), (parsed.Port, parsed.Cookie));
        Assert.Equal([A], parsed.InfoHashes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("GET / HTTP/1.1\r\nPort: 1\r\nInfohash: c0fda1edafdbdbb96443424e0b3899af7159d10e\r\n\r\n")]
    [InlineData("BT-SEARCH * HTTP/1.1\r\nInfohash: c0fda1edafdbdbb96443424e0b3899af7159d10e\r\n\r\n")]
    [InlineData("BT-SEARCH * HTTP/1.1\r\nPort: 0\r\nInfohash: c0fda1edafdbdbb96443424e0b3899af7159d10e\r\n\r\n")]
    [InlineData("BT-SEARCH * HTTP/1.1\r\nPort: 70000\r\nInfohash: c0fda1edafdbdbb96443424e0b3899af7159d10e\r\n\r\n")]
    [InlineData("BT-SEARCH * HTTP/1.1\r\nPort: 6881\r\nInfohash: not-a-hash\r\n\r\n")]
    public void What_is_not_a_usable_announce_is_refused(string text) => Assert.Null(LsdAnnounce.TryParse(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void Random_bytes_never_throw_and_a_long_list_is_cut()
    {
        var rng = new Random(33);
        for (var i = 0; i < 20_000; i++)
        {
            var b = new byte[rng.Next(0, 300)];
            rng.NextBytes(b);
            LsdAnnounce.TryParse(b);
        }
        var many = new LsdAnnounce(1, Enumerable.Range(0, 20).Select(i => InfoHash.FromHex(i.ToString("x40"))).ToList(), null).Encode(false);
        Assert.Equal(LsdAnnounce.MaxInfoHashes, LsdAnnounce.TryParse(many)!.InfoHashes.Count);
    }
}
