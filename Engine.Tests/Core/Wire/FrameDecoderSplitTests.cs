using Engine.Core.Buffers;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using static Engine.Tests.Core.Wire.WireSamples;

namespace Engine.Tests.Core.Wire;

/// <summary>Property: however the stream is cut into chunks, the decoder yields the same messages.</summary>
public class FrameDecoderSplitTests
{
    private static List<PeerMessage> RandomMessages(Random random, BlockPool pool, int count)
    {
        var messages = new List<PeerMessage>(count);
        for (var i = 0; i < count; i++)
        {
            messages.Add(random.Next(12) switch
            {
                0 => KeepAlive.Instance,
                1 => Unchoke.Instance,
                2 => new Have(random.Next(10_000)),
                3 => new Request(random.Next(100), random.Next(64) * TorrentLayout.BlockSize, 1 + random.Next(TorrentLayout.BlockSize)),
                4 => new Cancel(random.Next(100), 0, TorrentLayout.BlockSize),
                5 => new BitfieldMessage(Bytes(random.Next(300), random.Next())),
                6 => new Extended((byte)random.Next(256), Bytes(random.Next(100), random.Next())),
                7 => new Port((ushort)random.Next(65536)),
                8 => new AllowedFast(random.Next(50)),
                _ => new PieceMessage(random.Next(100), random.Next(64) * TorrentLayout.BlockSize,
                    pool.RentCopy(Bytes(random.Next(4) == 0 ? 1 + random.Next(TorrentLayout.BlockSize) : TorrentLayout.BlockSize, random.Next()))),
            });
        }
        return messages;
    }

    private static List<int> RandomCuts(Random random, int length, int round)
    {
        var sizes = new List<int>();
        var left = length;
        while (left > 0)
        {
            var size = round switch
            {
                0 => left,                                  // all in one chunk
                1 => 1,                                     // one byte at a time
                _ => (round % 4) switch
                {
                    0 => 1 + random.Next(8),                // tiny chunks: headers split everywhere
                    1 => 1 + random.Next(70_000),           // socket-sized reads
                    2 => random.Next(3) == 0 ? 1 : 1 + random.Next(20_000),
                    _ => 1 + random.Next(4096),
                },
            };
            size = Math.Min(size, left);
            sizes.Add(size);
            left -= size;
        }
        return sizes;
    }

    [Fact]
    public void Random_splits_of_a_mixed_stream_yield_identical_message_sequences()
    {
        var random = new Random(20240601);
        var pool = new BlockPool(256);
        var expected = RandomMessages(random, pool, 150);
        var stream = Concat(expected);
        Assert.Contains(expected, m => m is KeepAlive);
        Assert.Contains(expected, m => m is PieceMessage);

        for (var round = 0; round < 220; round++)
        {
            var cuts = RandomCuts(random, stream.Length, round);
            using var decoder = new FrameDecoder(pool);
            var output = new List<PeerMessage>();
            var at = 0;
            foreach (var size in cuts)
            {
                Assert.Null(decoder.Feed(stream.AsSpan(at, size), output));
                at += size;
            }
            Assert.True(decoder.AtFrameBoundary, $"round {round}: decoder not at a frame boundary at the end");
            Assert.Equal(expected.Count, output.Count);
            for (var i = 0; i < expected.Count; i++)
                Assert.True(expected[i].Equals(output[i]), $"round {round} ({cuts.Count} chunks): message {i} {output[i]} differs from {expected[i]}");
            ReleaseBlocks(output);
        }
        ReleaseBlocks(expected);
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public void Random_splits_of_a_stream_with_unknown_ids_skip_exactly_those()
    {
        var random = new Random(77);
        var pool = new BlockPool(64);
        var expected = RandomMessages(random, pool, 40);
        var stream = new MemoryStream();
        foreach (var m in expected)
        {
            if (random.Next(3) == 0) stream.Write(Frame((byte)(21 + random.Next(200)), Bytes(random.Next(50), 1)));
            stream.Write(MessageWriter.Encode(m));
        }
        var bytes = stream.ToArray();
        for (var round = 0; round < 50; round++)
        {
            using var decoder = new FrameDecoder(pool);
            var output = new List<PeerMessage>();
            foreach (var size in RandomCuts(random, bytes.Length, round))
            {
                Assert.Null(decoder.Feed(bytes.AsSpan((int)decoder.BytesFed, size), output));
            }
            Assert.Equal(expected, output);
            ReleaseBlocks(output);
        }
    }
}
