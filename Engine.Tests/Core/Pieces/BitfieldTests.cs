using Engine.Core.Pieces;

namespace Engine.Tests.Core.Pieces;

public class BitfieldTests
{
    [Fact]
    public void New_bitfield_has_nothing_set()
    {
        var field = new Bitfield(100);
        Assert.Equal(100, field.Count);
        Assert.Equal(0, field.SetCount);
        Assert.True(field.NoneSet);
        Assert.False(field.AllSet);
        for (var i = 0; i < 100; i++) Assert.False(field[i]);
    }

    [Fact]
    public void Piece_zero_is_the_high_bit_of_the_first_byte_on_the_wire()
    {
        var field = new Bitfield(10);
        field[0] = true;
        field[9] = true;
        Assert.Equal(new byte[] { 0x80, 0x40 }, field.ToWire());
    }

    [Fact]
    public void FromWire_reads_big_endian_bit_order()
    {
        var field = Bitfield.FromWire(new byte[] { 0b1010_0000, 0b0000_0001 }, 16);
        Assert.True(field[0]);
        Assert.False(field[1]);
        Assert.True(field[2]);
        Assert.True(field[15]);
        Assert.Equal(3, field.SetCount);
    }

    [Fact]
    public void FromWire_ignores_spare_bits()
    {
        var field = Bitfield.FromWire(new byte[] { 0xFF, 0xFF }, 9);
        Assert.Equal(9, field.SetCount);
        Assert.True(field.AllSet);
        Assert.Equal(new byte[] { 0xFF, 0x80 }, field.ToWire());
    }

    [Fact]
    public void FromWire_with_wrong_length_names_the_sizes()
    {
        var e = Assert.Throws<ArgumentException>(() => Bitfield.FromWire(new byte[3], 9));
        Assert.Contains("2 bytes", e.Message);
        Assert.Contains("got 3", e.Message);
    }

    [Fact]
    public void Setting_a_bit_twice_counts_it_once_and_clearing_uncounts_it()
    {
        var field = new Bitfield(70);
        field[65] = true;
        field[65] = true;
        Assert.Equal(1, field.SetCount);
        field[65] = false;
        field[65] = false;
        Assert.Equal(0, field.SetCount);
    }

    [Fact]
    public void Index_outside_the_field_throws_and_names_it()
    {
        var field = new Bitfield(8);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => field[8]);
        Assert.Contains("piece 8", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => field[-1] = true);
    }

    [Fact]
    public void Negative_count_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Bitfield(-1));
    }

    [Fact]
    public void SetAll_sets_exactly_count_bits_and_ClearAll_clears_them()
    {
        var field = new Bitfield(67);
        field.SetAll();
        Assert.True(field.AllSet);
        Assert.Equal(67, field.SetCount);
        Assert.Equal(-1, field.NextClear(0));
        var wire = field.ToWire();
        Assert.Equal(9, wire.Length);
        Assert.Equal(0b1110_0000, wire[8]);
        field.ClearAll();
        Assert.True(field.NoneSet);
        Assert.Equal(-1, field.NextSet(0));
    }

    [Fact]
    public void Empty_bitfield_is_both_all_set_and_none_set()
    {
        var field = new Bitfield(0);
        Assert.True(field.AllSet);
        Assert.True(field.NoneSet);
        Assert.Empty(field.ToWire());
        Assert.Equal(-1, field.NextSet(0));
        Assert.Equal(-1, field.NextClear(0));
    }

    [Fact]
    public void WriteTo_writes_into_a_larger_span_and_rejects_a_short_one()
    {
        var field = new Bitfield(12);
        field[11] = true;
        var buffer = new byte[4];
        field.WriteTo(buffer);
        Assert.Equal(new byte[] { 0x00, 0x10, 0, 0 }, buffer);
        Assert.Throws<ArgumentException>(() => field.WriteTo(new byte[1]));
    }

    [Fact]
    public void Clone_is_independent()
    {
        var field = new Bitfield(20);
        field[3] = true;
        var copy = field.Clone();
        copy[4] = true;
        Assert.False(field[4]);
        Assert.True(copy[3]);
        Assert.Equal(2, copy.SetCount);
        Assert.Equal(1, field.SetCount);
    }

    [Fact]
    public void NextSet_and_NextClear_walk_across_words()
    {
        var field = new Bitfield(200);
        field[0] = true;
        field[63] = true;
        field[64] = true;
        field[199] = true;
        Assert.Equal(0, field.NextSet(0));
        Assert.Equal(63, field.NextSet(1));
        Assert.Equal(64, field.NextSet(64));
        Assert.Equal(199, field.NextSet(65));
        Assert.Equal(-1, field.NextSet(200));
        Assert.Equal(0, field.NextSet(-5));
        Assert.Equal(1, field.NextClear(0));
        Assert.Equal(65, field.NextClear(63));
        Assert.Equal(198, field.NextClear(198));
        Assert.Equal(-1, field.NextClear(199));
    }

    [Fact]
    public void NextClear_does_not_report_spare_bits()
    {
        var field = new Bitfield(10);
        for (var i = 0; i < 10; i++) field[i] = true;
        Assert.Equal(-1, field.NextClear(0));
    }

    [Fact]
    public void HasAnyNotIn_is_true_only_when_the_peer_has_something_we_lack()
    {
        var peer = new Bitfield(130);
        var ours = new Bitfield(130);
        Assert.False(peer.HasAnyNotIn(ours));
        peer[129] = true;
        Assert.True(peer.HasAnyNotIn(ours));
        ours[129] = true;
        Assert.False(peer.HasAnyNotIn(ours));
        ours[5] = true;
        Assert.False(peer.HasAnyNotIn(ours));
    }

    [Fact]
    public void HasAnyNotIn_rejects_a_different_size()
    {
        Assert.Throws<ArgumentException>(() => new Bitfield(8).HasAnyNotIn(new Bitfield(9)));
    }

    [Fact]
    public void Random_fields_round_trip_through_the_wire_and_agree_with_a_bool_array()
    {
        var random = new Random(1);
        for (var round = 0; round < 300; round++)
        {
            var count = random.Next(0, 300);
            var model = new bool[count];
            var field = new Bitfield(count);
            for (var op = 0; op < count * 2; op++)
            {
                if (count == 0) break;
                var i = random.Next(count);
                var v = random.Next(2) == 0;
                model[i] = v;
                field[i] = v;
            }
            var expectedSet = model.Count(b => b);
            Assert.Equal(expectedSet, field.SetCount);
            var back = Bitfield.FromWire(field.ToWire(), count);
            Assert.Equal(expectedSet, back.SetCount);
            for (var i = 0; i < count; i++)
            {
                Assert.Equal(model[i], back[i]);
                var nextSet = Array.FindIndex(model, i, b => b);
                var nextClear = Array.FindIndex(model, i, b => !b);
                Assert.Equal(nextSet, field.NextSet(i));
                Assert.Equal(nextClear, field.NextClear(i));
            }
            var wire = field.ToWire();
            for (var i = 0; i < count; i++)
                Assert.Equal(model[i], (wire[i / 8] & (0x80 >> (i % 8))) != 0);
        }
    }
}
