using Engine.Core.WebSeeds;

namespace Engine.Tests.Core.WebSeeds;

public class WebSeedReplyTests
{
    private static readonly WebSeedRange Part = new(0, 100, 50, false);
    private static readonly WebSeedRange Whole = new(0, 0, 1000, false);

    [Fact]
    public void A_206_naming_exactly_the_range_is_read()
        => Assert.Null(WebSeedReply.Check(206, 100, 149, 50, Part, 1000));

    [Theory]
    [InlineData(100L, 150L, 51L)]
    [InlineData(0L, 49L, 50L)]
    [InlineData(100L, 149L, 999L)]
    public void A_206_for_other_bytes_or_of_another_length_is_an_error(long from, long to, long length)
        => Assert.NotNull(WebSeedReply.Check(206, from, to, length, Part, 1000));

    [Fact]
    public void A_206_without_a_content_range_is_an_error()
        => Assert.Contains("Content-Range", WebSeedReply.Check(206, null, null, 50, Part, 1000));

    [Fact]
    public void A_200_is_read_only_when_the_whole_file_was_asked_for()
    {
        Assert.Null(WebSeedReply.Check(200, null, null, 1000, Whole, 1000));
        Assert.Null(WebSeedReply.Check(200, null, null, null, Whole, 1000));
        Assert.Contains("ignores ranges", WebSeedReply.Check(200, null, null, 1000, Part, 1000));
        Assert.NotNull(WebSeedReply.Check(200, null, null, 1001, Whole, 1000));
    }

    [Theory]
    [InlineData(404)]
    [InlineData(503)]
    [InlineData(416)]
    [InlineData(302)]
    public void Any_other_status_is_an_error_naming_it(int status)
        => Assert.Equal($"HTTP {status}", WebSeedReply.Check(status, 100, 149, 50, Part, 1000));
}
