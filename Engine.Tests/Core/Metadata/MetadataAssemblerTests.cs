using System.Security.Cryptography;
using Engine.Core.Metadata;
using Engine.Core.Primitives;

namespace Engine.Tests.Core.Metadata;

public sealed class MetadataAssemblerTests
{
    private static (byte[] Data, InfoHash Hash) Metadata(int size, int seed)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        return (data, InfoHash.FromBytes(SHA1.HashData(data)));
    }

    private static ReadOnlySpan<byte> Piece(byte[] data, int piece)
        => data.AsSpan(piece * MetadataCodec.PieceSize, MetadataCodec.PieceLength(piece, data.Length));

    [Fact]
    public void Pieces_in_any_order_assemble_into_the_verified_metadata()
    {
        var random = new Random(5);
        for (var round = 0; round < 100; round++)
        {
            var (data, hash) = Metadata(random.Next(1, 6 * MetadataCodec.PieceSize), round);
            var a = new MetadataAssembler(hash, data.Length);
            var order = Enumerable.Range(0, a.PieceCount).OrderBy(_ => random.Next()).ToList();
            foreach (var p in order)
            {
                Assert.False(a.IsComplete);
                a.Add(p, data.Length, Piece(data, p));
                a.Add(p, data.Length, Piece(data, p)); // a duplicate changes nothing
            }
            Assert.True(a.IsComplete);
            Assert.Equal(data, a.Complete());
        }
    }

    [Fact]
    public void Requests_go_out_once_each_until_a_reject_makes_a_piece_requestable_again()
    {
        var (data, hash) = Metadata(3 * MetadataCodec.PieceSize + 1, 1);
        var a = new MetadataAssembler(hash, data.Length);
        Assert.Equal([0, 1, 2, 3], new[] { a.NextRequest(), a.NextRequest(), a.NextRequest(), a.NextRequest() });
        Assert.Null(a.NextRequest());
        a.Rejected(2);
        Assert.Equal(2, a.NextRequest());
        a.Add(0, data.Length, Piece(data, 0));
        a.Rejected(0);
        Assert.Null(a.NextRequest()); // received pieces are never asked again
    }

    [Fact]
    public void Metadata_that_does_not_hash_to_the_info_hash_is_refused()
    {
        var (data, hash) = Metadata(20_000, 2);
        var a = new MetadataAssembler(hash, data.Length);
        var bad = data.ToArray();
        bad[100] ^= 1;
        a.Add(0, bad.Length, Piece(bad, 0));
        a.Add(1, bad.Length, Piece(bad, 1));
        Assert.Contains("does not match the info-hash", Assert.Throws<MetadataException>(() => a.Complete()).Message);
    }

    [Fact]
    public void Bad_pieces_and_sizes_are_refused_with_the_problem_named()
    {
        var (data, hash) = Metadata(20_000, 3);
        var a = new MetadataAssembler(hash, data.Length);
        Assert.Contains("has 100 bytes, expected 16384", Assert.Throws<MetadataException>(() => a.Add(0, data.Length, new byte[100])).Message);
        Assert.Contains("not in 0..1", Assert.Throws<MetadataException>(() => a.Add(2, data.Length, new byte[100])).Message);
        Assert.Contains("claims a total size of 5", Assert.Throws<MetadataException>(() => a.Add(0, 5, new byte[5])).Message);
        Assert.Contains("incomplete: 0 of 2", Assert.Throws<MetadataException>(() => a.Complete()).Message);
        Assert.Contains("not in 1..", Assert.Throws<MetadataException>(() => new MetadataAssembler(hash, 0)).Message);
        Assert.Contains("not in 1..", Assert.Throws<MetadataException>(() => new MetadataAssembler(hash, MetadataCodec.MaxMetadataSize + 1)).Message);
    }

    private static byte[] Assembled(MetadataHashes hashes, byte[] data)
    {
        var a = new MetadataAssembler(hashes, data.Length);
        for (var p = 0; p < a.PieceCount; p++) a.Add(p, data.Length, Piece(data, p));
        return a.Complete();
    }

    [Fact]
    public void V2_only_metadata_is_checked_by_its_SHA256_not_by_SHA1()
    {
        var (data, _) = Metadata(40_000, 7);
        var v2 = SHA256.HashData(data);
        var truncated = InfoHash.FromBytes(v2.AsSpan(0, 20));
        Assert.Equal(data, Assembled(new MetadataHashes(truncated, v2, V2Only: true), data));
        var other = data.ToArray();
        other[39_999] ^= 1;
        Assert.Contains("v2 info-hash", Assert.Throws<MetadataException>(() => Assembled(new MetadataHashes(truncated, v2, V2Only: true), other)).Message);
    }

    [Fact]
    public void A_hybrid_magnets_metadata_must_match_both_hashes()
    {
        var (data, v1) = Metadata(20_000, 8);
        var v2 = SHA256.HashData(data);
        Assert.Equal(data, Assembled(new MetadataHashes(v1, v2, V2Only: false), data));
        var wrongV2 = v2.ToArray();
        wrongV2[0] ^= 1;
        Assert.Throws<MetadataException>(() => Assembled(new MetadataHashes(v1, wrongV2, V2Only: false), data));
        Assert.Throws<MetadataException>(() => Assembled(new MetadataHashes(InfoHash.FromBytes(v2.AsSpan(0, 20)), v2, V2Only: false), data));
    }
}
