using Engine.Core.Buffers;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using static Engine.Tests.Core.Wire.WireSamples;

namespace Engine.Tests.Core.Wire;

public class FrameDecoderAllocationTests
{
    private const int Frames = 100;

    // Per piece frame the decoder must allocate only the PieceMessage record (32 B) and the BlockBuffer
    // wrapper (40 B); allow a little more, far below one 16 KiB payload copy.
    private const int BytesPerFrameAllowed = 128;

    private static (byte[] Stream, BlockPool Pool) PieceStream()
    {
        var pool = new BlockPool(2 * Frames + 10);
        var messages = new List<PeerMessage>();
        for (var i = 0; i < Frames; i++)
            messages.Add(new PieceMessage(i, 0, pool.RentCopy(Bytes(TorrentLayout.BlockSize, i))));
        var stream = Concat(messages);
        ReleaseBlocks(messages);
        // Warm the pool so decoding rents from retained arrays.
        var warm = new List<BlockBuffer>();
        for (var i = 0; i < Frames; i++) warm.Add(pool.Rent(1));
        warm.ForEach(b => b.Release());
        return (stream, pool);
    }

    private static long Measure(byte[] stream, BlockPool pool, int chunkSize)
    {
        var output = new List<PeerMessage>(Frames + 1);
        using var decoder = new FrameDecoder(pool);
        decoder.Feed(Concat([KeepAlive.Instance]), output);   // JIT the paths before measuring
        output.Clear();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var at = 0; at < stream.Length; at += chunkSize)
            decoder.Feed(stream.AsSpan(at, Math.Min(chunkSize, stream.Length - at)), output);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(Frames, output.Count);
        ReleaseBlocks(output);
        return allocated;
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(65536)]
    [InlineData(1000)]
    public void Decoding_100_piece_frames_allocates_only_the_messages(int chunkSize)
    {
        var (stream, pool) = PieceStream();
        Measure(stream, pool, chunkSize);   // warm-up (JIT tiers)
        var allocatedArrays = pool.Allocated;
        var allocated = Measure(stream, pool, chunkSize);
        Assert.Equal(allocatedArrays, pool.Allocated);
        Assert.True(allocated < Frames * BytesPerFrameAllowed,
            $"decoding {Frames} piece frames allocated {allocated} bytes, more than {Frames * BytesPerFrameAllowed}");
    }

    [Fact]
    public void Writing_a_frame_into_a_span_allocates_nothing()
    {
        var pool = new BlockPool(1);
        var piece = new PieceMessage(1, 0, pool.RentCopy(Bytes(TorrentLayout.BlockSize, 1)));
        var request = new Request(1, 0, 16384);
        var buffer = new byte[MessageWriter.GetLength(piece)];
        MessageWriter.Write(piece, buffer);
        MessageWriter.Write(request, buffer);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            MessageWriter.Write(piece, buffer);
            MessageWriter.Write(request, buffer);
            MessageWriter.WritePieceHeader(1, 0, 16384, buffer);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
