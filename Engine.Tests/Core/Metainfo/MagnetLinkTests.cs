using System.Net;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;
using Engine.Tests.Metainfo;

namespace Engine.Tests.Core.Metainfo;

public class MagnetLinkTests
{
    private const string Hex = "c0fda1edafdbdbb96443424e0b3899af7159d10e";

    private static MagnetException Refused(string uri) => Assert.Throws<MagnetException>(() => MagnetLink.Parse(uri));

    [Fact]
    public void Hex_hash_name_and_trackers_are_read()
    {
        var m = MagnetLink.Parse($"magnet:?xt=urn:btih:{Hex.ToUpperInvariant()}&dn=My+File%20%C3%A9.txt&tr=http%3A%2F%2Ft1%2Fannounce&tr=udp://t2:80&tr=udp://t2:80");
        Assert.Equal(InfoHash.FromHex(Hex), m.InfoHash);
        Assert.Equal("My File é.txt", m.DisplayName);
        Assert.Equal(["http://t1/announce", "udp://t2:80"], m.Trackers);
        Assert.Empty(m.WebSeeds);
        Assert.Empty(m.Peers);
    }

    [Fact]
    public void Base32_hash_decodes_to_the_same_info_hash()
    {
        // base32 of c0fda1ed...d10e (RFC 4648, no padding)
        var bytes = Convert.FromHexString(Hex);
        var base32 = ToBase32(bytes);
        Assert.Equal(32, base32.Length);
        Assert.Equal(InfoHash.FromHex(Hex), MagnetLink.Parse($"magnet:?xt=urn:btih:{base32}").InfoHash);
        Assert.Equal(InfoHash.FromHex(Hex), MagnetLink.Parse($"magnet:?xt=urn:btih:{base32.ToLowerInvariant()}").InfoHash);
    }

    private static string ToBase32(byte[] data)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = string.Concat(data.Select(b => Convert.ToString(b, 2).PadLeft(8, '0')));
        return string.Concat(Enumerable.Range(0, bits.Length / 5).Select(i => alphabet[Convert.ToInt32(bits.Substring(i * 5, 5), 2)]));
    }

    [Fact]
    public void Web_seeds_and_peers_are_read_ipv6_in_brackets()
    {
        var m = MagnetLink.Parse($"magnet:?xt=urn:btih:{Hex}&ws=http%3A%2F%2Fseed%2Ff&x.pe=10.0.0.1:6881&x.pe=%5B2001:db8::1%5D:51413&x.pe=peer.example.org:7000");
        Assert.Equal(["http://seed/f"], m.WebSeeds);
        Assert.Equal(new EndPoint[]
        {
            new IPEndPoint(IPAddress.Parse("10.0.0.1"), 6881),
            new IPEndPoint(IPAddress.Parse("2001:db8::1"), 51413),
            new DnsEndPoint("peer.example.org", 7000),
        }, m.Peers);
    }

    [Fact]
    public void Numbered_parameters_count_like_plain_ones()
    {
        var m = MagnetLink.Parse($"magnet:?xt.1=urn:btih:{Hex}&tr.1=udp://a:1&tr.2=udp://b:2");
        Assert.Equal(["udp://a:1", "udp://b:2"], m.Trackers);
    }

    [Fact]
    public void Hybrid_link_with_btih_and_btmh_uses_btih()
    {
        var m = MagnetLink.Parse($"magnet:?xt=urn:btih:{Hex}&xt=urn:btmh:1220{new string('a', 64)}");
        Assert.Equal(Hex, m.InfoHash.ToHex());
    }

    [Fact]
    public void Unknown_parameters_are_ignored() =>
        Assert.Equal(Hex, MagnetLink.Parse($"magnet:?as=x&xt=urn:btih:{Hex}&so=0-3&kt=a+b").InfoHash.ToHex());

    [Fact]
    public void Round_trips_through_its_canonical_uri()
    {
        var m = MagnetLink.Parse($"magnet:?xt=urn:btih:{Hex}&dn=a%20b%26c&tr=udp://t:1/x?y=1&ws=http://s/&x.pe=[::1]:5");
        var again = MagnetLink.Parse(m.ToUri());
        Assert.Equal(m.InfoHash, again.InfoHash);
        Assert.Equal("a b&c", again.DisplayName);
        Assert.Equal(m.Trackers, again.Trackers);
        Assert.Equal(m.WebSeeds, again.WebSeeds);
        Assert.Equal(m.Peers, again.Peers);
    }

    [Fact]
    public void Not_a_magnet_is_refused() => Assert.Contains("not a magnet link", Refused("http://example.com/?xt=urn:btih:" + Hex).Message);

    [Fact]
    public void Missing_xt_is_refused() => Assert.Contains("missing 'xt=urn:btih", Refused("magnet:?dn=x").Message);

    private static readonly string V2Hex = "c4" + new string('a', 62);

    [Fact]
    public void A_v2_only_link_parses_with_the_truncated_v2_hash_as_its_info_hash()
    {
        var m = MagnetLink.Parse("magnet:?xt=urn:btmh:1220" + V2Hex + "&dn=x");
        Assert.True(m.IsV2Only);
        Assert.Equal(V2Hex, Convert.ToHexStringLower(m.InfoHashV2.Span));
        Assert.Equal(V2Hex[..40], m.InfoHash.ToHex());
        Assert.Equal("magnet:?xt=urn:btmh:1220" + V2Hex + "&dn=x", m.ToUri());
    }

    [Fact]
    public void A_hybrid_link_carries_both_hashes_and_keeps_them_in_its_canonical_form()
    {
        var uri = "magnet:?xt=urn:btih:" + Hex + "&xt=urn:btmh:1220" + V2Hex.ToUpperInvariant();
        var m = MagnetLink.Parse(uri);
        Assert.False(m.IsV2Only);
        Assert.Equal(Hex, m.InfoHash.ToHex());
        Assert.Equal(V2Hex, Convert.ToHexStringLower(m.InfoHashV2.Span));
        Assert.Equal(uri.ToLowerInvariant(), MagnetLink.Parse(m.ToUri()).ToUri());
    }

    [Theory]
    [InlineData("1114aaaa", "is not '1220' followed by 64 hexadecimal digits")]
    [InlineData("1220abc", "is not '1220' followed by 64 hexadecimal digits")]
    [InlineData("1220zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "is not hexadecimal")]
    public void Malformed_btmh_hashes_are_refused(string btmh, string message) =>
        Assert.Contains(message, Refused("magnet:?xt=urn:btmh:" + btmh).Message);

    [Fact]
    public void Two_different_btmh_hashes_are_refused() =>
        Assert.Contains("conflicting v2", Refused("magnet:?xt=urn:btmh:1220" + V2Hex + "&xt=urn:btmh:1220" + new string('b', 64)).Message);

    [Theory]
    [InlineData("abc", "has 3 characters")]
    [InlineData("c0fda1edafdbdbb96443424e0b3899af7159d10", "has 39 characters")]
    [InlineData("z0fda1edafdbdbb96443424e0b3899af7159d10e", "not 40 hexadecimal digits")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ23456!", "not base32")]
    public void Bad_hashes_are_refused(string hash, string message) => Assert.Contains(message, Refused("magnet:?xt=urn:btih:" + hash).Message);

    [Fact]
    public void Conflicting_hashes_are_refused() =>
        Assert.Contains("conflicting", Refused($"magnet:?xt=urn:btih:{Hex}&xt=urn:btih:{new string('0', 40)}").Message);

    [Theory]
    [InlineData("%G1")]
    [InlineData("abc%2")]
    public void Bad_percent_encoding_is_refused(string dn) => Assert.Contains("invalid percent-encoding in 'dn'", Refused($"magnet:?xt=urn:btih:{Hex}&dn={dn}").Message);

    [Theory]
    [InlineData("1.2.3.4", "not host:port")]
    [InlineData("1.2.3.4:0", "is not 1..65535")]
    [InlineData("1.2.3.4:70000", "is not 1..65535")]
    [InlineData("2001:db8::1:80", "IPv6 addresses go in brackets")]
    [InlineData("[2001:db8::1]80", "is not [IPv6]:port")]
    [InlineData("[1.2.3.4]:80", "is not an IPv6 address")]
    [InlineData("bad host:80", "not a host name or IP address")]
    public void Bad_peers_are_refused(string peer, string message) =>
        Assert.Contains(message, Refused($"magnet:?xt=urn:btih:{Hex}&x.pe={peer}").Message);

    [Fact]
    public void Parameter_without_value_is_refused() => Assert.Contains("expected key=value", Refused($"magnet:?xt=urn:btih:{Hex}&oops").Message);

    [Fact]
    public void Magnet_exception_is_a_format_exception() => Assert.IsAssignableFrom<FormatException>(Refused("magnet:?"));

    [Fact]
    public void Agrees_with_python_libtorrent_on_a_full_link()
    {
        const string uri = "magnet:?xt=urn:btih:GD62D3NP3PN3SZCDIJHAWOEZV5YVTUIO&dn=a+b%20c%C3%A9&tr=udp://t:1&tr=http%3A%2F%2Fx%2Fa&ws=http://s/&x.pe=1.2.3.4:5";
        var lines = ExternalTools.RunLibtorrentPython("""
            import sys, libtorrent as lt
            p = lt.parse_magnet_uri(sys.argv[1])
            print(p.info_hashes.v1)
            print(p.name)
            print("|".join(p.trackers))
            print("|".join(p.url_seeds))
            print("|".join("%s:%d" % x for x in p.peers))
            """, uri).Split('\n');
        var m = MagnetLink.Parse(uri);
        Assert.Equal(lines[0], m.InfoHash.ToHex());
        Assert.Equal(lines[1], m.DisplayName);
        Assert.Equal(lines[2], string.Join('|', m.Trackers));
        Assert.Equal(lines[3], string.Join('|', m.WebSeeds));
        Assert.Equal(lines[4], string.Join('|', m.Peers));
    }
}
