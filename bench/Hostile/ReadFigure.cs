using System.Diagnostics;
using Engine.Core.Buffers;
using Engine.Storage;
using Microsoft.Win32.SafeHandles;

namespace Engine.Bench.Hostile;

/// <summary>
/// What "never serve what we do not have" costs an upload read: BlockSource (with its short-read and change checks:
/// one fstat per block) against a bare positional read of the same blocks, page cache warm, one thread.
/// </summary>
internal static class ReadFigure
{
    public static void Run()
    {
        using var content = new Content("reads", 256L * 1024 * 1024, 1024 * 1024);
        var layout = content.Metainfo.Layout;
        var blocks = (int)layout.TotalBlocks;
        using var source = new BlockSource(content.Metainfo, content.SeedDirectory, new BlockPool(64));
        using SafeFileHandle raw = File.OpenHandle(Path.Combine(content.SeedDirectory, "reads", "data.bin"));
        var buffer = new byte[16 * 1024];
        double Measure(Action<int> read)
        {
            for (var i = 0; i < blocks; i++) read(i); // warm
            var best = double.MaxValue;
            for (var round = 0; round < 5; round++)
            {
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < blocks; i++) read(i);
                best = Math.Min(best, clock.Elapsed.TotalMilliseconds * 1000 / blocks);
            }
            return best;
        }
        var bare = Measure(i => RandomAccess.Read(raw, buffer, (long)i * 16384));
        var guarded = Measure(i => source.TryRead(layout.Block(i / layout.BlocksPerPiece, i % layout.BlocksPerPiece), out _)!.Release());
        Console.WriteLine($"upload reads (16 KiB, page cache): bare {bare:0.00} µs/block, BlockSource {guarded:0.00} µs/block " +
                          $"(+{guarded - bare:0.00} µs: {16384 / guarded:0} MB/s per core at most)");
    }
}
