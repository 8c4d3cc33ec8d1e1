using Engine.Core.Buffers;
using Engine.Core.Wire;
using static Engine.Tests.Core.Wire.WireSamples;

namespace Engine.Tests.Core.Wire;

public class MessageRoundTripTests
{
    public static TheoryData<string> Kinds()
    {
        var data = new TheoryData<string>();
        foreach (var m in OneOfEach(new BlockPool(4))) data.Add(m.ToString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_message_kind_round_trips_through_writer_and_decoder(string kind)
    {
        var pool = new BlockPool(8);
        var message = OneOfEach(pool).Single(m => m.ToString() == kind);
        var frame = MessageWriter.Encode(message);
        Assert.Equal(MessageWriter.GetLength(message), frame.Length);

        var decoded = Assert.Single(DecodeAll(frame, pool));
        Assert.Equal(message, decoded);
        Assert.Equal(message.GetType(), decoded.GetType());
        Assert.Equal(frame, MessageWriter.Encode(decoded));
    }

    [Fact]
    public void Frames_have_the_BEP_3_bytes()
    {
        Assert.Equal(new byte[] { 0, 0, 0, 0 }, MessageWriter.Encode(KeepAlive.Instance));
        Assert.Equal(new byte[] { 0, 0, 0, 1, 0 }, MessageWriter.Encode(Choke.Instance));
        Assert.Equal(new byte[] { 0, 0, 0, 1, 3 }, MessageWriter.Encode(NotInterested.Instance));
        Assert.Equal(new byte[] { 0, 0, 0, 1, 14 }, MessageWriter.Encode(HaveAll.Instance));
        Assert.Equal(new byte[] { 0, 0, 0, 5, 4, 0, 0, 1, 2 }, MessageWriter.Encode(new Have(258)));
        Assert.Equal(new byte[] { 0, 0, 0, 3, 9, 0x1a, 0xe1 }, MessageWriter.Encode(new Port(6881)));
        Assert.Equal(new byte[] { 0, 0, 0, 13, 6, 0, 0, 0, 1, 0, 0, 0x40, 0, 0, 0, 0x40, 0 },
            MessageWriter.Encode(new Request(1, 16384, 16384)));
        Assert.Equal(new byte[] { 0, 0, 0, 13, 16, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3 },
            MessageWriter.Encode(new Reject(1, 2, 3)));
        Assert.Equal(new byte[] { 0, 0, 0, 3, 5, 0xff, 0x80 }, MessageWriter.Encode(new BitfieldMessage([0xff, 0x80])));
        Assert.Equal(new byte[] { 0, 0, 0, 4, 20, 2, 0xab, 0xcd }, MessageWriter.Encode(new Extended(2, [0xab, 0xcd])));
        Assert.Equal(new byte[] { 0, 0, 0, 12, 7, 0, 0, 0, 9, 0, 0, 0, 4, 1, 2, 3 },
            MessageWriter.Encode(new PieceMessage(9, 4, new BlockPool(1).RentCopy([1, 2, 3]))));
    }

    [Fact]
    public void Piece_header_matches_the_head_of_a_written_piece_frame()
    {
        var piece = new PieceMessage(12, 32768, new BlockPool(1).RentCopy(Bytes(500, 1)));
        var header = new byte[MessageWriter.PieceHeaderLength];
        MessageWriter.WritePieceHeader(12, 32768, 500, header);
        Assert.Equal(MessageWriter.Encode(piece)[..13], header);
    }

    [Fact]
    public void Write_into_a_short_destination_throws_and_reports_sizes()
    {
        var error = Assert.Throws<ArgumentException>(() => MessageWriter.Write(new Request(1, 2, 3), new byte[16]));
        Assert.Contains("needs 17 bytes", error.Message);
    }

    [Fact]
    public void Write_returns_the_frame_length_and_leaves_the_rest_alone()
    {
        var buffer = Enumerable.Repeat((byte)0xEE, 32).ToArray();
        Assert.Equal(9, MessageWriter.Write(new Have(1), buffer));
        Assert.All(buffer[9..], b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void Buffer_writer_overload_appends_frames()
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        MessageWriter.Write(Interested.Instance, writer);
        MessageWriter.Write(new Have(5), writer);
        Assert.Equal(Concat([Interested.Instance, new Have(5)]), writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Request_cancel_and_reject_expose_their_block()
    {
        var block = new Engine.Core.Primitives.BlockRequest(3, 16384, 100);
        Assert.Equal(block, new Request(block).Block);
        Assert.Equal(block, new Cancel(block).Block);
        Assert.Equal(block, new Reject(block).Block);
    }
}
