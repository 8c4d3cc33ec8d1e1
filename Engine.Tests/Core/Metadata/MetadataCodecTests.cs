using System.Text;
using Engine.Core.Metadata;

namespace Engine.Tests.Core.Metadata;

public sealed class MetadataCodecTests
{
    [Fact]
    public void Requests_and_rejects_encode_as_the_bep_shows_them()
    {
        Assert.Equal("d8:msg_typei0e5:piecei0ee", Encoding.ASCII.GetString(MetadataCodec.EncodeRequest(0)));
        Assert.Equal("d8:msg_typei2e5:piecei3ee", Encoding.ASCII.GetString(MetadataCodec.EncodeReject(3)));
    }

    [Fact]
    public void A_data_message_carries_the_piece_after_the_dictionary()
    {
        var bytes = MetadataCodec.EncodeData(1, 16384 + 5, "hello"u8);
        Assert.Equal("d8:msg_typei1e5:piecei1e10:total_sizei16389eehello", Encoding.ASCII.GetString(bytes));
        var m = MetadataCodec.Decode(bytes);
        Assert.Equal(MetadataMessageType.Data, m.Type);
        Assert.Equal(1, m.Piece);
        Assert.Equal(16389, m.TotalSize);
        Assert.Equal("hello"u8.ToArray(), m.Data.ToArray());
    }

    [Fact]
    public void Every_piece_of_random_sizes_round_trips()
    {
        var random = new Random(9);
        for (var round = 0; round < 200; round++)
        {
            var size = random.Next(1, 5 * MetadataCodec.PieceSize);
            var data = new byte[size];
            random.NextBytes(data);
            var count = MetadataCodec.PieceCount(size);
            var total = 0;
            for (var piece = 0; piece < count; piece++)
            {
                var length = MetadataCodec.PieceLength(piece, size);
                var slice = data.AsSpan(piece * MetadataCodec.PieceSize, length);
                var m = MetadataCodec.Decode(MetadataCodec.EncodeData(piece, size, slice));
                Assert.True(m.Data.Span.SequenceEqual(slice));
                total += length;
                Assert.Equal(piece, MetadataCodec.Decode(MetadataCodec.EncodeRequest(piece)).Piece);
                Assert.Equal(MetadataMessageType.Reject, MetadataCodec.Decode(MetadataCodec.EncodeReject(piece)).Type);
            }
            Assert.Equal(size, total);
        }
    }

    [Theory]
    [InlineData("garbage", "not bencoded")]
    [InlineData("li1ee", "not a dictionary")]
    [InlineData("d5:piecei0ee", "no integer 'msg_type'")]
    [InlineData("d8:msg_typei7e5:piecei0ee", "unknown msg_type 7")]
    [InlineData("d8:msg_typei0ee", "no integer 'piece'")]
    [InlineData("d8:msg_typei0e5:piecei-1ee", "piece -1 is out of range")]
    [InlineData("d8:msg_typei0e5:piecei0eeXY", "request message has 2 trailing bytes")]
    [InlineData("d8:msg_typei1e5:piecei0eeabc", "no integer 'total_size'")]
    [InlineData("d8:msg_typei1e5:piecei0e10:total_sizei0eeabc", "total_size 0 is not in")]
    [InlineData("d8:msg_typei1e5:piecei0e10:total_sizei99999999eeabc", "total_size 99999999 is not in")]
    [InlineData("d8:msg_typei1e5:piecei2e10:total_sizei3eeabc", "piece 2 is beyond the 1 pieces of 3 bytes")]
    [InlineData("d8:msg_typei1e5:piecei0e10:total_sizei3eeabcd", "piece 0 has 4 bytes, expected 3")]
    public void Bad_messages_are_refused_with_the_problem_named(string payload, string message)
    {
        var e = Assert.Throws<MetadataException>(() => MetadataCodec.Decode(Encoding.ASCII.GetBytes(payload)));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Random_garbage_never_crashes_the_decoder()
    {
        var random = new Random(3);
        for (var i = 0; i < 5000; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            if (i % 2 == 0) "d8:msg_typei"u8[..Math.Min(bytes.Length, 12)].CopyTo(bytes);
            try { MetadataCodec.Decode(bytes); }
            catch (MetadataException) { }
        }
    }
}
