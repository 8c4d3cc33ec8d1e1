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
}
