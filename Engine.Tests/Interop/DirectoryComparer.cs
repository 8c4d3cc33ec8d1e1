using System.Text;

namespace Engine.Tests.Interop;

/// <summary>Byte-for-byte comparison of two directory trees (file names, lengths and contents).</summary>
public static class DirectoryComparer
{
    /// <summary>Fails the test unless both trees hold the same relative file paths with identical bytes.
    /// The message lists every missing, extra and differing file, with the first differing offset.</summary>
    public static void AssertIdentical(string expectedDir, string actualDir)
    {
        var differences = Compare(expectedDir, actualDir);
        if (differences.Count == 0) return;
        var sb = new StringBuilder();
        sb.Append($"directories differ: expected {expectedDir}, actual {actualDir} ({differences.Count} difference(s))");
        foreach (var d in differences.Take(50)) sb.Append("\n  ").Append(d);
        if (differences.Count > 50) sb.Append($"\n  ... and {differences.Count - 50} more");
        Assert.Fail(sb.ToString());
    }

    /// <summary>
    /// As <see cref="AssertIdentical"/>, but waits up to <paramref name="within"/> for the trees to become identical: for a
    /// client that is still running after it reported completion (libtorrent 2 hashes blocks in its store buffer and may
    /// say "finished" before the last of them reach the file).
    /// </summary>
    public static async Task AssertIdenticalWithinAsync(string expectedDir, string actualDir, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (Compare(expectedDir, actualDir).Count > 0 && DateTime.UtcNow < deadline) await Task.Delay(200);
        AssertIdentical(expectedDir, actualDir);
    }

    /// <summary>Every difference as one human-readable line; empty when the trees are identical.</summary>
    public static IReadOnlyList<string> Compare(string expectedDir, string actualDir)
    {
        if (!Directory.Exists(expectedDir)) return [$"expected directory {expectedDir} does not exist"];
        if (!Directory.Exists(actualDir)) return [$"actual directory {actualDir} does not exist"];
        var expected = RelativeFiles(expectedDir);
        var actual = RelativeFiles(actualDir);
        var result = new List<string>();
        foreach (var rel in expected)
        {
            if (!actual.Contains(rel)) { result.Add($"missing: {rel}"); continue; }
            var diff = CompareFiles(Path.Combine(expectedDir, rel), Path.Combine(actualDir, rel));
            if (diff is not null) result.Add($"{rel}: {diff}");
        }
        foreach (var rel in actual)
            if (!expected.Contains(rel)) result.Add($"extra: {rel}");
        return result;
    }

    /// <summary>Null when identical, otherwise what differs first (length or the first differing offset).</summary>
    public static string? CompareFiles(string expectedPath, string actualPath)
    {
        using var e = new FileStream(expectedPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        using var a = new FileStream(actualPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        var bufE = new byte[1 << 20];
        var bufA = new byte[1 << 20];
        long offset = 0;
        string? lengthNote = e.Length == a.Length ? null : $"length {a.Length}, expected {e.Length}";
        while (true)
        {
            var nE = e.ReadAtLeast(bufE, bufE.Length, throwOnEndOfStream: false);
            var nA = a.ReadAtLeast(bufA, bufA.Length, throwOnEndOfStream: false);
            var n = Math.Min(nE, nA);
            var mismatch = bufE.AsSpan(0, n).CommonPrefixLength(bufA.AsSpan(0, n));
            if (mismatch < n)
            {
                var at = offset + mismatch;
                var note = $"first difference at offset {at} (expected 0x{bufE[mismatch]:x2}, actual 0x{bufA[mismatch]:x2})";
                return lengthNote is null ? note : lengthNote + "; " + note;
            }
            if (nE != nA) return lengthNote ?? $"length differs at offset {offset + n}";
            if (nE == 0) return lengthNote;
            offset += n;
        }
    }

    private static SortedSet<string> RelativeFiles(string dir)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            set.Add(Path.GetRelativePath(dir, file));
        return set;
    }
}
