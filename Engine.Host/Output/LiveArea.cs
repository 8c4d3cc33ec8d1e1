using System.Text;

namespace Engine.Host.Output;

/// <summary>
/// A block of lines at the bottom of a terminal, redrawn in place: the cursor goes back up over the previous block
/// and each line is rewritten and cleared to its end (ANSI CSI A and K). Lines are cut to one column less than the
/// terminal so none wraps. Notes written with <see cref="Note"/> go above the block and stay.
/// </summary>
public sealed class LiveArea(TextWriter output, int width)
{
    private int _drawn;

    /// <summary>The widest a line may be.</summary>
    public int Width { get; } = Math.Max(20, width - 1);

    public void Draw(IReadOnlyList<string> lines)
    {
        var b = new StringBuilder();
        Rewind(b);
        foreach (var line in lines) b.Append(Fit.To(line, Width)).Append("\u001b[K\n");
        // Lines the previous block had and this one does not: cleared.
        for (var i = lines.Count; i < _drawn; i++) b.Append("\u001b[K\n");
        if (_drawn > lines.Count) b.Append($"\u001b[{_drawn - lines.Count}A");
        output.Write(b.ToString());
        output.Flush();
        _drawn = lines.Count;
    }

    /// <summary>A line above the block (the block is drawn again below it at the next <see cref="Draw"/>).</summary>
    public void Note(string line)
    {
        var b = new StringBuilder();
        Rewind(b);
        b.Append(Fit.To(line, Width)).Append("\u001b[J\n");
        output.Write(b.ToString());
        output.Flush();
        _drawn = 0;
    }

    /// <summary>Leaves the last block on screen; what follows is written below it.</summary>
    public void Close() => _drawn = 0;

    private void Rewind(StringBuilder b)
    {
        if (_drawn > 0) b.Append($"\u001b[{_drawn}A");
        b.Append('\r');
    }
}
