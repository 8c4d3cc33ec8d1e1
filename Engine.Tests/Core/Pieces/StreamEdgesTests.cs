using Engine.Core.Pieces;
using Engine.Core.Primitives;

namespace Engine.Tests.Core.Pieces;

/// <summary>The pieces at a streamed file's two ends, fetched before its reading window.</summary>
public class StreamEdgesTests
{
    private static readonly TorrentLayout Layout = new(10 * 16384 + 5, 16384);   // 11 pieces, the last of 5 bytes

    [Fact]
    public void A_long_file_has_its_first_and_last_piece_as_two_windows()
    {
        Assert.Equal([(0, 1), (10, 1)], StreamEdges.Of(Layout, 0, Layout.TotalLength));
        Assert.Equal([(2, 1), (6, 1)], StreamEdges.Of(Layout, 2 * 16384 + 100, 4 * 16384));   // inside the torrent, unaligned
    }

    [Fact]
    public void A_file_in_one_or_two_pieces_is_one_window_and_an_empty_file_none()
    {
        Assert.Equal([(3, 1)], StreamEdges.Of(Layout, 3 * 16384 + 10, 100));
        Assert.Equal([(3, 2)], StreamEdges.Of(Layout, 3 * 16384 + 10, 16384));                 // crosses into piece 4
        Assert.Empty(StreamEdges.Of(Layout, 5 * 16384, 0));
    }
}
