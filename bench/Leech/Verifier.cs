namespace Engine.Bench.Leech;

/// <summary>Byte-for-byte comparison of a downloaded file or tree with the seed data.</summary>
public static class Verifier
{
    /// <summary>Null when <paramref name="actual"/> equals <paramref name="expected"/> (file or directory), else what differs.</summary>
    public static string? Compare(string expected, string actual)
    {
        if (File.Exists(expected)) return CompareFile(expected, actual, Path.GetFileName(expected));
        if (!Directory.Exists(actual)) return $"{actual} is missing";
        foreach (var file in Directory.EnumerateFiles(expected, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(expected, file);
            if (CompareFile(file, Path.Combine(actual, rel), rel) is { } problem) return problem;
        }
        return null;
    }

    private static string? CompareFile(string expected, string actual, string name)
    {
        if (!File.Exists(actual)) return $"{name} is missing";
        var want = new FileInfo(expected).Length;
        var got = new FileInfo(actual).Length;
        if (want != got) return $"{name} is {got} bytes, expected {want}";
        using var a = new FileStream(expected, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        using var b = new FileStream(actual, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        var x = new byte[1 << 20];
        var y = new byte[1 << 20];
        long at = 0;
        while (true)
        {
            var n = a.ReadAtLeast(x, x.Length, throwOnEndOfStream: false);
            var m = b.ReadAtLeast(y, n, throwOnEndOfStream: false);
            if (n == 0) return null;
            if (m != n || !x.AsSpan(0, n).SequenceEqual(y.AsSpan(0, n)))
            {
                var i = x.AsSpan(0, Math.Min(n, m)).CommonPrefixLength(y.AsSpan(0, Math.Min(n, m)));
                return $"{name} differs at byte {at + i}";
            }
            at += n;
        }
    }
}
