using System.Globalization;
using System.Text;

namespace Engine.Core.Metainfo;

/// <summary>
/// A list of file indices written as BEP 53 writes <c>so=</c>: comma-separated indices and inclusive ranges,
/// <c>0,2,4-6</c>. Also the console host's <c>--files</c> and <c>--skip</c>.
/// </summary>
public static class FileIndexList
{
    /// <summary>The most indices one list may name (a range like 0-2000000000 is refused, not expanded).</summary>
    public const int MaxIndices = 100_000;

    /// <summary>The indices, ascending, without repeats. Throws <see cref="FormatException"/> with a one-line reason.</summary>
    public static IReadOnlyList<int> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new SortedSet<int>();
        foreach (var raw in text.Split(','))
        {
            var part = raw.Trim();
            if (part.Length == 0) throw new FormatException($"empty entry in file list '{text}'");
            var dash = part.IndexOf('-');
            var first = Index(dash < 0 ? part : part[..dash], text);
            var last = dash < 0 ? first : Index(part[(dash + 1)..], text);
            if (last < first) throw new FormatException($"range '{part}' runs backwards");
            if ((long)last - first + result.Count >= MaxIndices) throw new FormatException($"file list '{text}' names more than {MaxIndices} files");
            for (var i = first; i <= last; i++) result.Add(i);
        }
        return result.ToArray();
    }

    /// <summary>The shortest text for the indices: runs of three or more as ranges (<c>0,2,4-6</c>).</summary>
    public static string Format(IEnumerable<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var sorted = indices.Distinct().Order().ToArray();
        var sb = new StringBuilder();
        for (var i = 0; i < sorted.Length;)
        {
            var j = i;
            while (j + 1 < sorted.Length && sorted[j + 1] == sorted[j] + 1) j++;
            if (sb.Length > 0) sb.Append(',');
            sb.Append(sorted[i].ToString(CultureInfo.InvariantCulture));
            if (j - i >= 2) sb.Append('-').Append(sorted[j].ToString(CultureInfo.InvariantCulture));
            else if (j > i) sb.Append(',').Append(sorted[j].ToString(CultureInfo.InvariantCulture));
            i = j + 1;
        }
        return sb.ToString();
    }

    private static int Index(string text, string whole)
    {
        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            throw new FormatException($"'{text}' in file list '{whole}' is not a file index");
        return index;
    }
}
