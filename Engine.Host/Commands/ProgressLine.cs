using Engine.Api;
using Engine.Events;

namespace Engine.Host.Commands;

/// <summary>A one-line live progress bar (redrawn in place on a terminal, printed every few seconds when redirected).</summary>
public sealed class ProgressLine(TextWriter output, bool redirected, TimeSpan redirectedInterval)
{
    private DateTime _lastPrinted = DateTime.MinValue;
    private int _lastLength;

    public void Show(TorrentSnapshot s)
    {
        var now = DateTime.UtcNow;
        var interval = redirected ? redirectedInterval : TimeSpan.FromMilliseconds(500);
        if (now - _lastPrinted < interval && !s.IsComplete) return;
        _lastPrinted = now;
        string line;
        if (s.State == TorrentState.Checking)
            line = $"checking {s.CheckProgress * 100,5:F1}%";
        else
        {
            const int width = 30;
            var filled = (int)(s.Progress * width);
            line = $"[{new string('#', filled)}{new string('.', width - filled)}] {s.Progress * 100,5:F1}%  " +
                   $"{Format.Rate(s.DownloadRate),12} down  {Format.Rate(s.UploadRate),12} up  {s.Peers,3} peers  ETA {Format.Duration(s.Eta)}";
        }
        if (redirected) output.WriteLine(line);
        else
        {
            output.Write('\r' + line.PadRight(_lastLength));
            _lastLength = line.Length;
        }
    }

    /// <summary>A line of its own, above the progress bar.</summary>
    public void Note(string text)
    {
        if (!redirected && _lastLength > 0) output.Write('\r' + new string(' ', _lastLength) + '\r');
        output.WriteLine(text);
        _lastLength = 0;
    }

    public void Done()
    {
        if (!redirected && _lastLength > 0) output.WriteLine();
    }
}
