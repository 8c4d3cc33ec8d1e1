using System.Collections.Immutable;
using Engine.Host.Web.Ui;

namespace Engine.Tests.Web;

public sealed class PieceMapViewTests
{
    private static PieceMapView Map(int count, params int[] have)
    {
        var view = new PieceMapView(count, 0, ImmutableArray.Create(new byte[(count + 7) / 8]));
        foreach (var p in have) view = view.With(p);
        return view;
    }

    [Fact]
    public void Few_pieces_get_one_cell_each()
    {
        Assert.Equal([1, 0, 0, 1, 0], Map(5, 0, 3).Cells(1024));
    }

    [Fact]
    public void Many_pieces_fold_into_cells_holding_the_verified_share()
    {
        var cells = Map(10, 0, 1, 2, 3, 4, 5).Cells(4);
        Assert.Equal(4, cells.Length);
        // 10 pieces over 4 cells: runs of 2, 3, 2, 3 pieces.
        Assert.Equal([1, 1, 0.5, 0], cells);
    }

    [Fact]
    public void Cells_cover_every_piece_exactly_once_for_any_size()
    {
        var random = new Random(11);
        for (var run = 0; run < 300; run++)
        {
            var count = random.Next(1, 5000);
            var have = Enumerable.Range(0, count).Where(_ => random.Next(3) == 0).ToArray();
            var map = Map(count, have);
            var max = random.Next(1, 1200);
            var cells = map.Cells(max);
            Assert.Equal(Math.Min(count, max), cells.Length);
            double total = 0;
            for (var c = 0; c < cells.Length; c++)
            {
                var run0 = (int)((long)c * count / cells.Length);
                var run1 = (int)((long)(c + 1) * count / cells.Length);
                Assert.True(run1 > run0);
                total += cells[c] * (run1 - run0);
            }
            Assert.Equal(have.Length, (int)Math.Round(total));
            Assert.Equal(have.Length, map.VerifiedCount);
        }
    }

    [Fact]
    public void An_empty_map_has_no_cells_and_no_pieces()
    {
        Assert.Empty(PieceMapView.Empty.Cells(10));
        Assert.False(PieceMapView.Empty.Has(0));
        Assert.Same(PieceMapView.Empty, PieceMapView.Empty.With(0));
    }

    [Fact]
    public void Zero_cells_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Map(3).Cells(0));
    }
}
