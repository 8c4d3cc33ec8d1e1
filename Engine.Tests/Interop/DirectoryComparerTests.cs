namespace Engine.Tests.Interop;

public sealed class DirectoryComparerTests
{
    [Fact]
    public void Identical_trees_pass()
    {
        using var tmp = new TempDir("compare");
        var a = TestData.CreateTree(tmp.Sub("a"), "x", 300_000, seed: 5, fileCount: 4);
        var b = TestData.CreateTree(tmp.Sub("b"), "x", 300_000, seed: 5, fileCount: 4);
        DirectoryComparer.AssertIdentical(a.Root, b.Root);
    }

    [Fact]
    public void A_flipped_byte_is_reported_with_its_file_and_offset()
    {
        using var tmp = new TempDir("compare");
        var a = TestData.CreateTree(tmp.Sub("a"), "x", 3_000_000, seed: 5, fileCount: 4);
        var b = TestData.CreateTree(tmp.Sub("b"), "x", 3_000_000, seed: 5, fileCount: 4);
        var victim = a.Files.MaxBy(f => f.Length)!;
        var path = Path.Combine(b.Root, victim.RelativePath);
        var offset = victim.Length - 3; // past the first 1 MiB chunk when the file is large
        using (var fs = new FileStream(path, FileMode.Open))
        {
            fs.Position = offset;
            var old = fs.ReadByte();
            fs.Position = offset;
            fs.WriteByte((byte)(old ^ 0x01));
        }

        var e = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => DirectoryComparer.AssertIdentical(a.Root, b.Root));
        Assert.Contains(victim.RelativePath, e.Message);
        Assert.Contains($"first difference at offset {offset}", e.Message);
    }

    [Fact]
    public void Missing_extra_and_truncated_files_are_all_listed()
    {
        using var tmp = new TempDir("compare");
        var a = TestData.CreateTree(tmp.Sub("a"), "x", 100_000, seed: 9, fileCount: 4);
        var b = TestData.CreateTree(tmp.Sub("b"), "x", 100_000, seed: 9, fileCount: 4);
        File.Delete(Path.Combine(b.Root, a.Files[0].RelativePath));
        File.WriteAllText(Path.Combine(b.Root, "stray.txt"), "hi");
        var truncated = Path.Combine(b.Root, a.Files[2].RelativePath);
        using (var fs = new FileStream(truncated, FileMode.Open)) fs.SetLength(fs.Length - 1);

        var diffs = DirectoryComparer.Compare(a.Root, b.Root);

        Assert.Contains($"missing: {a.Files[0].RelativePath}", diffs);
        Assert.Contains("extra: stray.txt", diffs);
        Assert.Contains(diffs, d => d.StartsWith(a.Files[2].RelativePath, StringComparison.Ordinal) && d.Contains("length"));
        Assert.Equal(3, diffs.Count);
    }

    [Fact]
    public void A_missing_directory_is_a_difference_not_a_crash()
    {
        using var tmp = new TempDir("compare");
        var diffs = DirectoryComparer.Compare(tmp, Path.Combine(tmp, "nope"));
        Assert.Single(diffs);
        Assert.Contains("does not exist", diffs[0]);
    }
}
