using System.Buffers.Binary;
using Engine.Core.Wire;
using static Engine.Tests.Core.Wire.WireSamples;

namespace Engine.Tests.Core.Wire;

/// <summary>BEP 52 'hash request', 'hashes' and 'hash reject' frames: their bytes, and strict lengths.</summary>
public class HashMessagesTests
{
    private static byte[] Range(byte fill, int baseLayer, int index, int length, int proof)
    {
        var body = new byte[48];
        body.AsSpan(0, 32).Fill(fill);
        BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(32), baseLayer);
        BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(36), index);
        BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(40), length);
        BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(44), proof);
        return body;
    }

    [Fact]
    public void A_hash_request_is_id_21_with_the_root_then_four_big_endian_numbers()
    {
        var range = new HashRange(Enumerable.Repeat((byte)0xab, 32).ToArray(), 2, 512, 512, 9);
        Assert.Equal(Frame(21, Range(0xab, 2, 512, 512, 9)), MessageWriter.Encode(new HashRequest(range)));
        Assert.Equal(Frame(23, Range(0xab, 2, 512, 512, 9)), MessageWriter.Encode(new HashReject(range)));
        Assert.Equal(Frame(22, [.. Range(0xab, 2, 512, 512, 9), .. new byte[64]]), MessageWriter.Encode(new Hashes(range, new byte[64])));
    }

    [Fact]
    public void A_hashes_frame_decodes_its_range_and_hashes()
    {
        var decoded = Assert.IsType<Hashes>(Assert.Single(DecodeAll(Frame(22, [.. Range(1, 0, 4, 2, 3), .. Bytes(96, 1)]), new(4))));
        Assert.Equal(new HashRange(Enumerable.Repeat((byte)1, 32).ToArray(), 0, 4, 2, 3), decoded.Range);
        Assert.Equal(Bytes(96, 1), decoded.Data);
    }

    [Theory]
    [InlineData(21, 47)]
    [InlineData(21, 49)]
    [InlineData(23, 0)]
    [InlineData(22, 47)]
    [InlineData(22, 48 + 31)]
    [InlineData(22, 48 + 32 * 8193)]
    public void Hash_frames_of_the_wrong_length_are_violations(byte id, int payload)
    {
        var violation = FirstViolation(Frame(id, new byte[payload]), out var output);
        Assert.Equal(ViolationKind.BadPayloadLength, violation.Kind);
        Assert.Empty(output);
    }

    [Fact]
    public void Numbers_of_2_to_the_31_or_more_decode_as_negative_and_are_kept_for_the_answer_to_refuse()
    {
        var body = Range(2, 0, 0, 2, 0);
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(36), 0x8000_0000);
        var decoded = Assert.IsType<HashRequest>(Assert.Single(DecodeAll(Frame(21, body), new(4))));
        Assert.True(decoded.Range.Index < 0);
    }
}
