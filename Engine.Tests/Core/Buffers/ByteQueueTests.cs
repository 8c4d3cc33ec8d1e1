using Engine.Core.Buffers;

namespace Engine.Tests.Core.Buffers;

public sealed class ByteQueueTests
{
    [Theory]
    [InlineData(1, 1400, 7000)]
    [InlineData(2, 20_000, 3)]
    [InlineData(3, 1, 65_536)]
    public void Bytes_come_out_in_the_order_they_went_in_whatever_the_sizes_of_appends_and_reads(int seed, int maxAppend, int maxRead)
    {
        var rng = new Random(seed);
        var queue = new ByteQueue();
        var expected = new Queue<byte>();
        var into = new byte[maxRead];
        for (var step = 0; step < 3000; step++)
        {
            if (rng.Next(3) > 0 || expected.Count == 0)
            {
                var data = new byte[rng.Next(maxAppend + 1)];
                rng.NextBytes(data);
                queue.Append(data);
                foreach (var b in data) expected.Enqueue(b);
            }
            else
            {
                var want = rng.Next(1, maxRead + 1);
                var n = queue.Read(into.AsSpan(0, want));
                Assert.Equal(Math.Min(want, expected.Count), n);
                for (var i = 0; i < n; i++) Assert.Equal(expected.Dequeue(), into[i]);
            }
            Assert.Equal(expected.Count, queue.Count);
        }
        queue.Clear();
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, queue.Read(into));
        queue.Append([1, 2, 3]);
        Assert.Equal(3, queue.Read(into));
        Assert.Equal([1, 2, 3], into[..3]);
    }
}
