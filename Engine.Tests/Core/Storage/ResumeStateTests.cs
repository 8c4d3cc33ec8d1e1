using Engine.Core.Primitives;
using Engine.Core.Storage;

namespace Engine.Tests.Core.Storage;

public class ResumeStateTests
{
    private static readonly InfoHash Hash = InfoHash.FromHex("00112233445566778899aabbccddeeff00112233");

    private static ResumeState Sample() => new(Hash, 11, [0xFF, 0xE0], [(100, 5), (0, 0), (-1, 0)]);

    [Fact]
    public void A_record_survives_encoding()
    {
        var decoded = ResumeState.TryDecode(Sample().Encode());
        Assert.NotNull(decoded);
        Assert.Equal(Hash, decoded.InfoHash);
        Assert.Equal(11, decoded.PieceCount);
        Assert.Equal(new byte[] { 0xFF, 0xE0 }, decoded.Verified);
        Assert.Equal(Sample().Files, decoded.Files);
        Assert.True(decoded.Matches(Hash, 11, [(100, 5), (0, 0), (-1, 0)]));
    }

    [Fact]
    public void Every_truncation_and_every_flipped_byte_is_rejected_as_absent()
    {
        var bytes = Sample().Encode();
        for (var n = 0; n < bytes.Length; n++)
            Assert.Null(ResumeState.TryDecode(bytes.AsSpan(0, n)));
        for (var i = 0; i < bytes.Length; i++)
        {
            var copy = (byte[])bytes.Clone();
            copy[i] ^= 0x40;
            Assert.Null(ResumeState.TryDecode(copy));
        }
    }

    [Fact]
    public void A_changed_file_size_or_time_or_another_torrent_makes_the_record_stale()
    {
        var state = Sample();
        Assert.False(state.Matches(Hash, 11, [(100, 6), (0, 0), (-1, 0)]));
        Assert.False(state.Matches(Hash, 11, [(101, 5), (0, 0), (-1, 0)]));
        Assert.False(state.Matches(Hash, 12, [(100, 5), (0, 0), (-1, 0)]));
        Assert.False(state.Matches(InfoHash.FromHex("ffffffffffffffffffffffffffffffffffffffff"), 11, [(100, 5), (0, 0), (-1, 0)]));
        Assert.False(state.Matches(Hash, 11, [(100, 5), (0, 0)]));
    }

    [Fact]
    public void Held_pieces_and_learnt_layers_survive_encoding_and_a_version_1_record_still_reads()
    {
        var layer = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();
        var state = Sample() with { Held = [0x00, 0x20], Layers = [(2, layer), (5, [])] };
        var decoded = ResumeState.TryDecode(state.Encode());
        Assert.NotNull(decoded);
        Assert.Equal(new byte[] { 0x00, 0x20 }, decoded.Held);
        Assert.Equal(2, decoded.Layers.Length);
        Assert.Equal(2, decoded.Layers[0].File);
        Assert.Equal(layer, decoded.Layers[0].Layer);
        Assert.Equal(5, decoded.Layers[1].File);
        Assert.Empty(decoded.Layers[1].Layer);

        // A version 1 record (what earlier builds wrote): the same fields, no held pieces or layers after the files.
        var v1 = Sample().Encode()[..^12];               // without the empty held and layer counts and the checksum
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(v1.AsSpan(4), 1);
        var digest = System.Security.Cryptography.SHA256.HashData(v1);
        var old = ResumeState.TryDecode([.. v1, .. digest.AsSpan(0, 4)]);
        Assert.NotNull(old);
        Assert.Equal(Sample().Verified, old.Verified);
        Assert.Empty(old.Held);
        Assert.Empty(old.Layers);
    }

    [Fact]
    public void Every_truncation_and_flipped_byte_of_a_record_with_layers_is_rejected_too()
    {
        var bytes = (Sample() with { Held = [0x80, 0x00], Layers = [(0, new byte[32])] }).Encode();
        for (var n = 0; n < bytes.Length; n++)
            Assert.Null(ResumeState.TryDecode(bytes.AsSpan(0, n)));
        for (var i = 0; i < bytes.Length; i++)
        {
            var copy = (byte[])bytes.Clone();
            copy[i] ^= 0x40;
            Assert.Null(ResumeState.TryDecode(copy));
        }
    }
}
