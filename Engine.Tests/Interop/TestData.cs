namespace Engine.Tests.Interop;

/// <summary>One file of a generated data set: path relative to the set's root ('/'-separated) and length.</summary>
public sealed record TestFile(string RelativePath, long Length);

/// <summary>A generated tree: <see cref="Root"/> is the directory a torrent is made of (its name is the torrent's name).</summary>
public sealed record TestDataSet(string Root, IReadOnlyList<TestFile> Files)
{
    public string Name => Path.GetFileName(Root);
    public long TotalBytes => Files.Sum(f => f.Length);
}

/// <summary>
/// Deterministic pseudo-random file trees. The same (seed, total, file count) always gives the same names,
/// sizes and bytes. Sizes are odd (never a multiple of any power-of-two piece length); files sit at several depths.
/// Bytes come from a seeded xorshift64* stream (hundreds of MB/s), so a 64 MiB set takes well under a second.
/// </summary>
public static class TestData
{
    /// <summary>
    /// Creates <c>parentDir/name/</c> holding <paramref name="fileCount"/> files that add up to exactly
    /// <paramref name="totalBytes"/> (each file at least 1 byte, except that a 1-byte file is always included
    /// when there are at least 3 files).
    /// </summary>
    public static TestDataSet CreateTree(string parentDir, string name, long totalBytes, int seed, int fileCount = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fileCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalBytes, fileCount);
        var root = Path.Combine(parentDir, name);
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
            throw new IOException($"test data directory {root} already exists and is not empty");
        Directory.CreateDirectory(root);

        var sizes = SplitSizes(totalBytes, fileCount, seed);
        var files = new List<TestFile>(fileCount);
        for (var i = 0; i < fileCount; i++)
        {
            var rel = RelativePathFor(i);
            var full = Path.Combine(root, rel.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            WriteFile(full, sizes[i], MixSeed(seed, i));
            files.Add(new TestFile(rel, sizes[i]));
        }
        return new TestDataSet(root, files);
    }

    /// <summary>Writes <paramref name="length"/> pseudo-random bytes determined by <paramref name="seed"/>.</summary>
    public static void WriteFile(string path, long length, ulong seed)
    {
        using var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.SequentialScan);
        fs.SetLength(length);
        var buffer = new byte[1 << 20];
        var rng = new XorShift(seed);
        long written = 0;
        while (written < length)
        {
            var n = (int)Math.Min(buffer.Length, length - written);
            rng.Fill(buffer.AsSpan(0, n));
            fs.Write(buffer, 0, n);
            written += n;
        }
    }

    private static string RelativePathFor(int index) => (index % 4) switch
    {
        0 => $"file{index:D2}.bin",
        1 => $"sub/file{index:D2}.dat",
        2 => $"sub/deeper/file{index:D2}.bin",
        _ => $"other dir/file {index:D2}.txt",
    };

    private static long[] SplitSizes(long total, int count, int seed)
    {
        var sizes = new long[count];
        if (count == 1) { sizes[0] = total; return sizes; }
        var rng = new XorShift(MixSeed(seed, -1));
        // Random weights, a forced tiny file at index 1 (when count >= 3), every size odd where possible.
        var weights = new double[count];
        double sum = 0;
        for (var i = 0; i < count; i++) { weights[i] = 0.2 + (rng.Next() % 1000) / 1000.0; sum += weights[i]; }
        long assigned = 0;
        for (var i = 0; i < count - 1; i++)
        {
            long size = count >= 3 && i == 1 ? 1 : Math.Max(1, (long)(total * (weights[i] / sum)));
            if (size > 1 && size % 2 == 0) size--;
            // Leave at least one byte for each remaining file.
            size = Math.Min(size, total - assigned - (count - 1 - i));
            sizes[i] = Math.Max(1, size);
            assigned += sizes[i];
        }
        sizes[count - 1] = total - assigned;
        // Keep the last size off round numbers too (moving two bytes keeps the first size odd).
        if (sizes[count - 1] % 1024 == 0 && sizes[0] > 2) { sizes[0] -= 2; sizes[count - 1] += 2; }
        return sizes;
    }

    private static ulong MixSeed(int seed, int index)
    {
        var z = ((ulong)(uint)seed << 32) ^ (uint)index ^ 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return z == 0 ? 0x2545F4914F6CDD1DUL : z;
    }

    private struct XorShift(ulong seed)
    {
        private ulong _state = seed == 0 ? 0x2545F4914F6CDD1DUL : seed;

        public ulong Next()
        {
            _state ^= _state >> 12;
            _state ^= _state << 25;
            _state ^= _state >> 27;
            return _state * 0x2545F4914F6CDD1DUL;
        }

        public void Fill(Span<byte> span)
        {
            var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(span);
            for (var i = 0; i < words.Length; i++) words[i] = Next();
            var tail = span[(words.Length * sizeof(ulong))..];
            for (var i = 0; i < tail.Length; i++) tail[i] = (byte)Next();
        }
    }
}
