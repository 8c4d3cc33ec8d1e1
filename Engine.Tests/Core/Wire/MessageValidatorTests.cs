using Engine.Core.Buffers;
using Engine.Core.Primitives;
using Engine.Core.Wire;

namespace Engine.Tests.Core.Wire;

public class MessageValidatorTests
{
    // 10 pieces of 64 KiB, the last one 10,000 bytes: 9 * 65536 + 10000.
    private static readonly TorrentLayout Layout = new(9L * 65536 + 10_000, 65536);

    private static ViolationKind? KindOf(PeerMessage message) => MessageValidator.Validate(message, Layout)?.Kind;

    [Fact]
    public void Well_formed_messages_pass()
    {
        var pool = new BlockPool(2);
        Assert.Null(KindOf(new Have(9)));
        Assert.Null(KindOf(new Request(0, 0, 16384)));
        Assert.Null(KindOf(new Request(0, 49152, 16384)));
        Assert.Null(KindOf(new Cancel(9, 0, 10_000)));
        Assert.Null(KindOf(new Reject(9, 100, 9_900)));
        Assert.Null(KindOf(new PieceMessage(9, 0, pool.Rent(10_000))));
        Assert.Null(KindOf(new BitfieldMessage([0xff, 0xc0])));
        Assert.Null(KindOf(new Suggest(0)));
        Assert.Null(KindOf(new AllowedFast(5)));
        Assert.Null(KindOf(Choke.Instance));
        Assert.Null(KindOf(new Extended(1, [])));
    }

    [Fact]
    public void Bitfield_of_the_wrong_length_is_a_violation()
    {
        Assert.Equal(ViolationKind.BitfieldWrongLength, KindOf(new BitfieldMessage([0xff])));
        Assert.Equal(ViolationKind.BitfieldWrongLength, KindOf(new BitfieldMessage([0xff, 0xc0, 0])));
        var violation = MessageValidator.Validate(new BitfieldMessage([]), Layout)!;
        Assert.Contains("0 bytes, expected 2 for 10 pieces", violation.Detail);
    }

    [Theory]
    [InlineData(0x20)]
    [InlineData(0x01)]
    [InlineData(0xff)]
    public void Bitfield_with_spare_bits_set_is_a_violation(byte last)
    {
        Assert.Equal(ViolationKind.BitfieldSpareBits, KindOf(new BitfieldMessage([0xff, last])));
    }

    [Fact]
    public void Bitfield_of_a_whole_number_of_bytes_has_no_spare_bits()
    {
        var layout = new TorrentLayout(16L * 1000, 1000);
        Assert.Null(MessageValidator.Validate(new BitfieldMessage([0xff, 0xff]), layout));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void Piece_index_out_of_range_is_a_violation_for_every_indexed_message(int piece)
    {
        var pool = new BlockPool(1);
        PeerMessage[] messages =
        [
            new Have(piece), new Suggest(piece), new AllowedFast(piece), new Request(piece, 0, 1),
            new Cancel(piece, 0, 1), new Reject(piece, 0, 1), new PieceMessage(piece, 0, pool.Rent(1)),
        ];
        foreach (var m in messages) Assert.Equal(ViolationKind.PieceIndexOutOfRange, KindOf(m));
    }

    [Fact]
    public void Request_cancel_and_reject_of_length_zero_are_violations()
    {
        Assert.Equal(ViolationKind.BlockLengthZero, KindOf(new Request(0, 0, 0)));
        Assert.Equal(ViolationKind.BlockLengthZero, KindOf(new Cancel(0, 0, 0)));
        Assert.Equal(ViolationKind.BlockLengthZero, KindOf(new Reject(0, 0, 0)));
        Assert.Equal(ViolationKind.BlockLengthZero, KindOf(new PieceMessage(0, 0, new BlockPool(1).Rent(0))));
    }

    [Theory]
    [InlineData(16385)]
    [InlineData(32768)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void Block_over_16_KiB_is_a_violation(int length)
    {
        Assert.Equal(ViolationKind.BlockTooLong, KindOf(new Request(0, 0, length)));
        Assert.Equal(ViolationKind.BlockTooLong, KindOf(new Cancel(0, 0, length)));
        Assert.Equal(ViolationKind.BlockTooLong, KindOf(new Reject(0, 0, length)));
    }

    [Theory]
    [InlineData(0, 65535, 2)]
    [InlineData(0, 65536, 1)]
    [InlineData(9, 0, 10_001)]
    [InlineData(9, 9_999, 2)]
    [InlineData(0, -1, 1)]
    [InlineData(0, int.MaxValue, 16384)]
    [InlineData(0, int.MinValue, 16384)]
    public void Block_past_the_piece_end_is_a_violation(int piece, int offset, int length)
    {
        Assert.Equal(ViolationKind.BlockPastPieceEnd, KindOf(new Request(piece, offset, length)));
        Assert.Equal(ViolationKind.BlockPastPieceEnd, KindOf(new Cancel(piece, offset, length)));
    }

    [Fact]
    public void Piece_payload_past_the_piece_end_is_a_violation()
    {
        var pool = new BlockPool(2);
        Assert.Equal(ViolationKind.BlockPastPieceEnd, KindOf(new PieceMessage(9, 0, pool.Rent(10_001))));
        Assert.Equal(ViolationKind.BlockPastPieceEnd, KindOf(new PieceMessage(0, 65536 - 100, pool.Rent(101))));
        var violation = MessageValidator.Validate(new PieceMessage(9, 8192, pool.Rent(8192)), Layout)!;
        Assert.Equal("piece of piece 9 @8192+8192 ends past the piece's 10000 bytes", violation.Detail);
    }

    [Fact]
    public void Violation_detail_names_the_message_and_the_limit()
    {
        var violation = MessageValidator.Validate(new Have(12), Layout)!;
        Assert.Equal("have names piece 12, the torrent has 10 pieces (0 to 9)", violation.Detail);
        Assert.Equal("PieceIndexOutOfRange: have names piece 12, the torrent has 10 pieces (0 to 9)", violation.ToString());
        var exception = new ProtocolViolationException(violation);
        Assert.Same(violation, exception.Violation);
        Assert.Contains("have names piece 12", exception.Message);
    }
}
