using Engine.Core.Pieces;

namespace Engine.Tests.Core.Pieces;

/// <summary>
/// The picker's piece sets: add, remove and contains through the position table, a set with its own table as correct
/// before its first piece (when it has no table yet, so an idle seed's picker holds none) as after, and sets that share a
/// table keeping each piece's position right.
/// </summary>
public sealed class IndexedPieceSetTests
{
    [Fact]
    public void A_set_with_its_own_table_contains_nothing_before_its_first_piece_and_then_what_was_added()
    {
        var set = IndexedPieceSet.Create(100);
        Assert.Equal(0, set.Count);
        Assert.False(set.Contains(0));
        Assert.False(set.Contains(99));

        foreach (var piece in new[] { 7, 99, 0, 42, 3 }) set.Add(piece);
        set.Remove(99);
        set.Remove(7);
        Assert.Equal(3, set.Count);
        Assert.Equal(new[] { 0, 3, 42 }, Enumerable.Range(0, set.Count).Select(i => set[i]).Order());
        Assert.True(set.Contains(42));
        Assert.False(set.Contains(99));
        Assert.False(set.Contains(7));
    }

    [Fact]
    public void Random_adds_and_removes_agree_with_a_hash_set()
    {
        var random = new Random(5);
        var set = IndexedPieceSet.Create(64);
        var model = new HashSet<int>();
        for (var step = 0; step < 5_000; step++)
        {
            var piece = random.Next(64);
            if (model.Contains(piece)) { set.Remove(piece); model.Remove(piece); }
            else { set.Add(piece); model.Add(piece); }
            Assert.Equal(model.Contains(piece), set.Contains(piece));
        }
        Assert.Equal(model.Order(), Enumerable.Range(0, set.Count).Select(i => set[i]).Order());
    }

    [Fact]
    public void Sets_sharing_a_table_keep_each_piece_s_position_in_its_own_set()
    {
        var positions = new int[10];
        Array.Fill(positions, -1);
        var a = new IndexedPieceSet(positions);
        var b = new IndexedPieceSet(positions);
        a.Add(1); a.Add(2); b.Add(3); b.Add(4); a.Add(5);
        a.Remove(1);
        b.Remove(3);
        Assert.Equal(new[] { 2, 5 }, Enumerable.Range(0, a.Count).Select(i => a[i]).Order());
        Assert.Equal(new[] { 4 }, Enumerable.Range(0, b.Count).Select(i => b[i]));
        Assert.Equal(-1, positions[1]);
        Assert.Equal(0, positions[4]);
    }
}
