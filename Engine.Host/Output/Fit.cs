using System.Globalization;
using System.Text;

namespace Engine.Host.Output;

/// <summary>Fitting text into terminal columns (wide characters count two, control characters are dropped).</summary>
public static class Fit
{
    /// <summary>Columns <paramref name="text"/> takes on a terminal.</summary>
    public static int Columns(string text)
    {
        var n = 0;
        foreach (var rune in text.EnumerateRunes()) n += Width(rune);
        return n;
    }

    /// <summary><paramref name="text"/> cut to <paramref name="width"/> columns, ending in "…" when cut; control characters become spaces.</summary>
    public static string To(string text, int width)
    {
        if (width <= 0) return "";
        var clean = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes()) clean.Append(Rune.IsControl(rune) ? " " : rune.ToString());
        var s = clean.ToString();
        if (Columns(s) <= width) return s;
        var result = new StringBuilder();
        var used = 0;
        foreach (var rune in s.EnumerateRunes())
        {
            var w = Width(rune);
            if (used + w > width - 1) break;
            result.Append(rune.ToString());
            used += w;
        }
        return result.Append('…').ToString();
    }

    /// <summary>Keeps the end of a path when it is too long: <c>…/dir/file.bin</c>.</summary>
    public static string PathTo(string path, int width)
    {
        if (Columns(path) <= width) return path;
        if (width <= 1) return To(path, width);
        var tail = new StringBuilder();
        var runes = path.EnumerateRunes().Reverse().ToList();
        var used = 1;
        foreach (var rune in runes)
        {
            var w = Width(rune);
            if (used + w > width) break;
            tail.Insert(0, rune.ToString());
            used += w;
        }
        return "…" + tail;
    }

    private static int Width(Rune rune)
    {
        if (Rune.IsControl(rune)) return 1;
        var category = Rune.GetUnicodeCategory(rune);
        if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format) return 0;
        var v = rune.Value;
        // East Asian wide and fullwidth ranges, and emoji: two columns.
        return v is >= 0x1100 and <= 0x115F or >= 0x2E80 and <= 0xA4CF or >= 0xAC00 and <= 0xD7A3 or >= 0xF900 and <= 0xFAFF
            or >= 0xFE30 and <= 0xFE4F or >= 0xFF00 and <= 0xFF60 or >= 0xFFE0 and <= 0xFFE6 or >= 0x1F300 and <= 0x1FAFF or >= 0x20000 and <= 0x3FFFD
            ? 2
            : 1;
    }
}
