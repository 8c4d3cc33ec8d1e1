using System.Text;

namespace Engine.Tests.Interop;

/// <summary>A thread-safe ring of the most recent text lines a process printed (for failure diagnostics).</summary>
public sealed class BoundedLog
{
    private readonly string[] _lines;
    private readonly object _gate = new();
    private int _next;
    private long _total;

    public BoundedLog(int capacity = 200)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _lines = new string[capacity];
    }

    public int Capacity => _lines.Length;

    /// <summary>How many lines were ever added (including those that fell out of the ring).</summary>
    public long TotalLines { get { lock (_gate) return _total; } }

    public void Add(string line)
    {
        lock (_gate)
        {
            _lines[_next] = line;
            _next = (_next + 1) % _lines.Length;
            _total++;
        }
    }

    /// <summary>The kept lines, oldest first.</summary>
    public string[] Snapshot()
    {
        lock (_gate)
        {
            var count = (int)Math.Min(_total, _lines.Length);
            var result = new string[count];
            var start = _total > _lines.Length ? _next : 0;
            for (var i = 0; i < count; i++)
                result[i] = _lines[(start + i) % _lines.Length];
            return result;
        }
    }

    public override string ToString()
    {
        var lines = Snapshot();
        var sb = new StringBuilder();
        var dropped = TotalLines - lines.Length;
        if (dropped > 0) sb.Append("... (").Append(dropped).Append(" earlier lines dropped)\n");
        foreach (var line in lines) sb.Append(line).Append('\n');
        return sb.ToString();
    }
}
