using System.Text;
using Engine.Core.Primitives;
using Engine.Sharing;

namespace Engine.Tests.Sharing;

public sealed class ShareIndexTests
{
    private static readonly InfoHash H = InfoHash.FromHex("0123456789abcdef0123456789abcdef01234567");

    [Fact]
    public void Records_round_trip_with_and_without_a_signature()
    {
        ShareRecord[] records =
        [
            new("a file with spaces.txt", H, false, new FileSignature(12345, new DateTime(2025, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc).AddTicks(9)), true, false),
            new("ünïcode.bin", InfoHash.FromHex("ffffffffffffffffffffffffffffffffffffffff"), true, null, false, true),
        ];
        Assert.Equal(records, ShareIndex.Read(ShareIndex.Write(records)));
        Assert.Empty(ShareIndex.Read(ShareIndex.Write([])));
    }

    [Theory]
    [InlineData("[]", "not a JSON object")]
    [InlineData("{\"version\":2,\"torrents\":[]}", "no version 1")]
    [InlineData("{\"version\":1}", "no 'torrents' array")]
    [InlineData("{\"version\":1,\"torrents\":[1]}", "torrent 0 is not an object")]
    [InlineData("{\"version\":1,\"torrents\":[{\"infoHash\":\"0123456789abcdef0123456789abcdef01234567\",\"state\":\"shared\"}]}", "no string 'name'")]
    [InlineData("{\"version\":1,\"torrents\":[{\"name\":\"../x\",\"infoHash\":\"0123456789abcdef0123456789abcdef01234567\",\"state\":\"shared\"}]}", "not a plain file name")]
    [InlineData("{\"version\":1,\"torrents\":[{\"name\":\"x\",\"infoHash\":\"zz\",\"state\":\"shared\"}]}", "not 40 hex digits")]
    [InlineData("{\"version\":1,\"torrents\":[{\"name\":\"x\",\"infoHash\":\"0123456789abcdef0123456789abcdef01234567\",\"state\":\"lost\"}]}", "unknown state 'lost'")]
    [InlineData("{\"version\":1,\"torrents\":[{\"name\":\"x\",\"infoHash\":\"0123456789abcdef0123456789abcdef01234567\",\"state\":\"shared\",\"size\":-1}]}", "not a non-negative integer")]
    [InlineData("{\"version\":1,\"torrents\":[{\"name\":\"x\",\"infoHash\":\"0123456789abcdef0123456789abcdef01234567\",\"state\":\"shared\",\"size\":1,\"modified\":\"yesterday\"}]}", "not an ISO 8601 time")]
    [InlineData("{\"version\":1,\"torrents\":[{\"name\":\"x\",\"infoHash\":\"0123456789abcdef0123456789abcdef01234567\",\"state\":\"shared\"},{\"name\":\"x\",\"infoHash\":\"0123456789abcdef0123456789abcdef01234567\",\"state\":\"shared\"}]}", "listed twice")]
    [InlineData("{\"version\":1,", "not valid JSON")]
    public void Malformed_indexes_are_refused_with_the_problem_named(string json, string problem)
    {
        var e = Assert.Throws<FormatException>(() => ShareIndex.Read(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Random_bytes_give_a_format_exception_or_records_never_anything_else()
    {
        var rng = new Random(5);
        var valid = ShareIndex.Write([new ShareRecord("x", H, false, new FileSignature(1, DateTime.UnixEpoch), true, true)]);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = (byte[])valid.Clone();
            for (var k = rng.Next(1, 4); k > 0; k--) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            try { ShareIndex.Read(bytes); }
            catch (FormatException) { }
        }
    }
}
