using System.Text;
using System.Text.RegularExpressions;

namespace Engine.Tests.Host;

/// <summary>
/// A minimal terminal of a fixed width, enough to replay what the host writes: printable characters (wrapping at the
/// right edge, as a terminal does), CR, LF, and the CSI sequences the live display uses — cursor up (<c>A</c>), erase in
/// line (<c>K</c>), erase below (<c>J</c>); others (colours) are ignored. <see cref="Lines"/> is what the screen and its
/// scroll-back show at the end.
/// </summary>
public sealed partial class TerminalScreen(int width)
{
    private readonly List<StringBuilder> _lines = [new()];
    private int _row;
    private int _col;

    /// <summary>Lines longer than the width that were written (each wrapped).</summary>
    public int Wraps { get; private set; }

    public IReadOnlyList<string> Lines => _lines.Select(l => l.ToString().TrimEnd()).ToList();

    public void Write(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\u001b')
            {
                var m = Csi().Match(text, i);
                if (m.Success && m.Index == i)
                {
                    Apply(m.Groups[1].Value, m.Groups[2].Value[0]);
                    i += m.Length;
                    continue;
                }
                i++;
                continue;
            }
            i++;
            switch (c)
            {
                case '\r': _col = 0; break;
                case '\n': Down(); break;
                default:
                    if (char.IsControl(c)) break;
                    if (_col >= width)
                    {
                        Wraps++;
                        Down();
                    }
                    var line = _lines[_row];
                    while (line.Length < _col) line.Append(' ');
                    if (_col < line.Length) line[_col] = c;
                    else line.Append(c);
                    _col++;
                    break;
            }
        }
    }

    private void Down()
    {
        _row++;
        _col = 0;
        if (_row == _lines.Count) _lines.Add(new StringBuilder());
    }

    private void Apply(string parameter, char command)
    {
        var n = int.TryParse(parameter, out var v) ? v : 1;
        switch (command)
        {
            case 'A': _row = Math.Max(0, _row - n); break;
            case 'K':
                if (_lines[_row].Length > _col) _lines[_row].Length = _col;
                break;
            case 'J':
                if (_lines[_row].Length > _col) _lines[_row].Length = _col;
                for (var r = _row + 1; r < _lines.Count; r++) _lines[r].Clear();
                break;
        }
    }

    [GeneratedRegex(@"\u001b\[([0-9;?]*)([A-Za-z])")]
    private static partial Regex Csi();
}
