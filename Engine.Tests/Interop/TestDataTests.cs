using System.Diagnostics;
using Xunit.Abstractions;

namespace Engine.Tests.Interop;

public sealed class TestDataTests(ITestOutputHelper output)
{
    [Fact]
    public void Same_seed_gives_identical_trees_and_another_seed_gives_different_bytes()
    {
        using var tmp = new TempDir("testdata");
        var a = TestData.CreateTree(tmp.Sub("a"), "set", 3_000_001, seed: 7, fileCount: 6);
        var b = TestData.CreateTree(tmp.Sub("b"), "set", 3_000_001, seed: 7, fileCount: 6);
        var c = TestData.CreateTree(tmp.Sub("c"), "set", 3_000_001, seed: 8, fileCount: 6);

        DirectoryComparer.AssertIdentical(a.Root, b.Root);
        Assert.Equal(a.Files, b.Files);
        Assert.NotEmpty(DirectoryComparer.Compare(a.Root, c.Root));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 5)]
    [InlineData(1_000_003, 3)]
    [InlineData(12 * 1024 * 1024 + 54321, 7)]
    public void Files_add_up_to_the_requested_total_and_none_is_empty(long total, int count)
    {
        using var tmp = new TempDir("testdata");
        var set = TestData.CreateTree(tmp, "set", total, seed: 1, fileCount: count);

        Assert.Equal(count, set.Files.Count);
        Assert.Equal(total, set.TotalBytes);
        foreach (var f in set.Files)
        {
            Assert.True(f.Length >= 1, $"{f.RelativePath} is empty");
            Assert.Equal(f.Length, new FileInfo(Path.Combine(set.Root, f.RelativePath)).Length);
        }
    }

    [Fact]
    public void Sizes_are_not_multiples_of_common_piece_lengths_and_files_sit_at_several_depths()
    {
        using var tmp = new TempDir("testdata");
        var set = TestData.CreateTree(tmp, "set", 16L * 1024 * 1024, seed: 3, fileCount: 8);

        foreach (var f in set.Files)
            Assert.True(f.Length % 16384 != 0, $"{f.RelativePath} has {f.Length} bytes, a multiple of 16 KiB");
        Assert.Contains(set.Files, f => !f.RelativePath.Contains('/'));
        Assert.Contains(set.Files, f => f.RelativePath.Count(c => c == '/') >= 2);
        Assert.Contains(set.Files, f => f.RelativePath.Contains(' '));
        Assert.Contains(set.Files, f => f.Length == 1);
    }

    [Fact]
    public void A_64_MiB_tree_is_generated_in_a_few_seconds_at_most()
    {
        using var tmp = new TempDir("testdata");
        var clock = Stopwatch.StartNew();
        var set = TestData.CreateTree(tmp, "big", 64L * 1024 * 1024 + 777, seed: 64, fileCount: 9);
        clock.Stop();

        output.WriteLine($"64 MiB in {clock.ElapsedMilliseconds} ms");
        Assert.Equal(64L * 1024 * 1024 + 777, set.TotalBytes);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public void A_non_empty_target_directory_is_refused()
    {
        using var tmp = new TempDir("testdata");
        TestData.CreateTree(tmp, "set", 100, seed: 1, fileCount: 2);
        Assert.Throws<IOException>(() => TestData.CreateTree(tmp, "set", 100, seed: 1, fileCount: 2));
    }
}
