using System.Buffers.Binary;
using Engine.Core.Buffers;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using static Engine.Tests.Core.Wire.WireSamples;

namespace Engine.Tests.Core.Wire;

public class FrameDecoderTests
{
    [Fact]
    public void Many_messages_in_one_chunk_all_come_out_in_order()
    {
        var pool = new BlockPool(8);
        var messages = OneOfEach(pool);
        Assert.Equal(messages, DecodeAll(Concat(messages), pool));
    }

    [Fact]
    public void One_byte_at_a_time_gives_the_same_messages()
    {
        var pool = new BlockPool(8);
        var messages = OneOfEach(pool);
        var stream = Concat(messages);
        using var decoder = new FrameDecoder(pool);
        var output = new List<PeerMessage>();
        foreach (var b in stream) Assert.Null(decoder.Feed([b], output));
        Assert.Equal(messages, output);
        Assert.Equal(stream.Length, decoder.BytesFed);
    }

    [Fact]
    public void Unknown_ids_are_skipped_and_later_messages_still_decoded()
    {
        var pool = new BlockPool(8);
        var stream = Concat([new Have(1)])
            .Concat(Frame(10, 1, 2, 3))
            .Concat(Frame(0xff))
            .Concat(Frame(24, Bytes(5000, 9)))
            .Concat(Concat([Interested.Instance, new Request(1, 0, 10)]))
            .ToArray();
        using var decoder = new FrameDecoder(pool);
        var output = new List<PeerMessage>();
        foreach (var chunk in stream.Chunk(7)) Assert.Null(decoder.Feed(chunk, output));
        Assert.Equal(new PeerMessage[] { new Have(1), Interested.Instance, new Request(1, 0, 10) }, output);
        Assert.Equal(3, decoder.SkippedMessages);
    }

    [Fact]
    public void Empty_chunk_does_nothing()
    {
        using var decoder = new FrameDecoder(new BlockPool(1));
        var output = new List<PeerMessage>();
        Assert.Null(decoder.Feed([], output));
        Assert.Empty(output);
        Assert.True(decoder.AtFrameBoundary);
    }

    [Fact]
    public void Partial_frame_is_held_until_the_rest_arrives()
    {
        var frame = Concat([new Request(1, 2, 3)]);
        using var decoder = new FrameDecoder(new BlockPool(1));
        var output = new List<PeerMessage>();
        Assert.Null(decoder.Feed(frame.AsSpan(0, 10), output));
        Assert.Empty(output);
        Assert.False(decoder.AtFrameBoundary);
        Assert.Null(decoder.Feed(frame.AsSpan(10), output));
        Assert.Equal(new Request(1, 2, 3), Assert.Single(output));
    }

    [Fact]
    public void Piece_payload_is_counted_as_it_arrives()
    {
        var pool = new BlockPool(2);
        var frame = MessageWriter.Encode(new PieceMessage(0, 0, pool.RentCopy(Bytes(1000, 1))));
        using var decoder = new FrameDecoder(pool);
        var output = new List<PeerMessage>();
        decoder.Feed(frame.AsSpan(0, 13 + 400), output);
        Assert.Equal(400, decoder.BytesDecoded);
        decoder.Feed(frame.AsSpan(13 + 400), output);
        Assert.Equal(1000, decoder.BytesDecoded);
        Assert.Single(output);
    }

    [Fact]
    public void Disposing_mid_piece_returns_the_partial_block_to_the_pool()
    {
        var pool = new BlockPool(2);
        var frame = MessageWriter.Encode(new PieceMessage(0, 0, pool.RentCopy(Bytes(1000, 1))));
        var decoder = new FrameDecoder(pool);
        decoder.Feed(frame.AsSpan(0, 500), []);
        Assert.Equal(2, pool.Outstanding);
        decoder.Dispose();
        Assert.Equal(1, pool.Outstanding);
        Assert.Throws<ObjectDisposedException>(() => decoder.Feed([0], []));
    }

    [Fact]
    public void Frame_over_the_maximum_is_a_violation()
    {
        var prefix = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(prefix, FrameDecoder.DefaultMaxMessageLength + 1);
        var violation = FirstViolation(prefix, out _);
        Assert.Equal(ViolationKind.FrameTooLong, violation.Kind);
        Assert.Contains("exceeds the maximum", violation.Detail);
    }

    [Fact]
    public void Length_prefix_of_2_pow_32_minus_1_is_a_violation_not_an_overflow()
    {
        Assert.Equal(ViolationKind.FrameTooLong, FirstViolation([0xff, 0xff, 0xff, 0xff], out _).Kind);
    }

    [Fact]
    public void Maximum_is_configurable()
    {
        using var decoder = new FrameDecoder(new BlockPool(1), maxMessageLength: 20_000);
        var output = new List<PeerMessage>();
        Assert.Null(decoder.Feed(Frame(5, new byte[19_999]), output));
        Assert.Equal(ViolationKind.FrameTooLong, decoder.Feed(Frame(5, new byte[20_000]), output)!.Kind);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameDecoder(new BlockPool(1), 1000));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(2, 4)]
    [InlineData(3, 1)]
    [InlineData(14, 2)]
    [InlineData(15, 5)]
    [InlineData(4, 3)]
    [InlineData(4, 5)]
    [InlineData(13, 0)]
    [InlineData(17, 8)]
    [InlineData(6, 11)]
    [InlineData(8, 13)]
    [InlineData(16, 0)]
    [InlineData(9, 1)]
    [InlineData(9, 4)]
    [InlineData(7, 7)]
    [InlineData(20, 0)]
    public void Fixed_size_message_with_the_wrong_payload_length_is_a_violation(byte id, int payload)
    {
        var violation = FirstViolation(Frame(id, new byte[payload]), out var output);
        Assert.Equal(ViolationKind.BadPayloadLength, violation.Kind);
        Assert.Contains($"carries {payload} payload bytes", violation.Detail);
        Assert.Empty(output);
    }

    [Fact]
    public void Piece_with_a_block_over_16_KiB_is_a_violation()
    {
        var violation = FirstViolation(Frame(7, new byte[8 + TorrentLayout.BlockSize + 1]), out _);
        Assert.Equal(ViolationKind.BlockTooLong, violation.Kind);
    }

    [Fact]
    public void Messages_before_a_violation_are_delivered_and_the_decoder_stays_failed()
    {
        var stream = Concat([Unchoke.Instance, new Have(2)]).Concat(Frame(4, 1, 2)).Concat(Concat([Choke.Instance])).ToArray();
        using var decoder = new FrameDecoder(new BlockPool(1));
        var output = new List<PeerMessage>();
        var violation = decoder.Feed(stream, output);
        Assert.Equal(ViolationKind.BadPayloadLength, violation!.Kind);
        Assert.Equal(new PeerMessage[] { Unchoke.Instance, new Have(2) }, output);
        Assert.Same(violation, decoder.Feed(Concat([Choke.Instance]), output));
        Assert.Equal(2, output.Count);
    }

    [Fact]
    public void Piece_indices_and_lengths_over_2_pow_31_decode_as_negative_for_the_validator()
    {
        var frame = Frame(6, [0x80, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x80, 0, 0, 1]);
        var request = Assert.IsType<Request>(Assert.Single(DecodeAll(frame, new BlockPool(1))));
        Assert.Equal(new Request(int.MinValue, -1, int.MinValue + 1), request);
    }
}
