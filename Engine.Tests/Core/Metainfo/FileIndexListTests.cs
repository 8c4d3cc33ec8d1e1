using Engine.Core.Metainfo;

namespace Engine.Tests.Core.Metainfo;

public class FileIndexListTests
{
    [Theory]
    [InlineData("0", new[] { 0 })]
    [InlineData("0,2-4", new[] { 0, 2, 3, 4 })]
    [InlineData(" 5 , 1,1, 3-3", new[] { 1, 3, 5 })]
    public void Indices_and_inclusive_ranges_are_parsed_in_order_without_repeats(string text, int[] expected)
        => Assert.Equal(expected, FileIndexList.Parse(text));

    [Theory]
    [InlineData("", "empty entry")]
    [InlineData("1,,2", "empty entry")]
    [InlineData("4-2", "backwards")]
    [InlineData("x", "not a file index")]
    [InlineData("-1", "not a file index")]
    [InlineData("0-2000000000", "more than")]
    public void Malformed_lists_are_refused_with_a_reason(string text, string reason)
        => Assert.Contains(reason, Assert.Throws<FormatException>(() => FileIndexList.Parse(text)).Message);

    [Fact]
    public void Formatting_writes_runs_of_three_or_more_as_ranges()
        => Assert.Equal("0,2-5,7,8", FileIndexList.Format([8, 0, 2, 3, 4, 5, 7]));

    [Fact]
    public void A_magnet_links_so_selects_files_and_survives_a_round_trip()
    {
        var magnet = MagnetLink.Parse("magnet:?xt=urn:btih:" + new string('a', 40) + "&so=0,2,4-6");
        Assert.Equal([0, 2, 4, 5, 6], magnet.SelectOnly);
        Assert.Equal(magnet.SelectOnly, MagnetLink.Parse(magnet.ToUri()).SelectOnly);
        Assert.Empty(MagnetLink.Parse("magnet:?xt=urn:btih:" + new string('a', 40)).SelectOnly);
    }

    [Fact]
    public void A_magnet_link_with_a_malformed_so_is_refused()
        => Assert.Contains("so:", Assert.Throws<MagnetException>(() => MagnetLink.Parse("magnet:?xt=urn:btih:" + new string('a', 40) + "&so=3-1")).Message);
}
