using System.Diagnostics;
using System.Text.Json;
using Engine.Api;
using Engine.Host.Cli;
using Engine.Host.Commands;

namespace Engine.Host.Output;

/// <summary>
/// The progress of one torrent on the console, in the form the output asks for: a live block redrawn in place on a
/// terminal (at most twice a second), a plain line per status interval when redirected, a JSON object per interval
/// with <c>--json</c>, nothing with <c>--quiet</c>. Notes (what the start-up check found, the header) are lines of their
/// own in every form but JSON, where they are objects too.
/// </summary>
public sealed class TransferDisplay
{
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(500);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HostConsole _console;
    private readonly OutputMode _mode;
    private readonly TimeSpan _interval;
    private readonly LiveArea? _live;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan? _lastShown;

    public TransferDisplay(HostConsole console, OutputMode mode, TimeSpan interval)
    {
        _console = console;
        _mode = mode;
        _interval = interval;
        if (console.Interactive && !mode.Json && !mode.Quiet) _live = new LiveArea(console.Out, console.Width);
    }

    /// <summary>The width lines are cut to.</summary>
    public int Width => _live?.Width ?? int.MaxValue;

    /// <summary>A line of its own (above the live block); with <c>--json</c>, <c>{"note": ...}</c>.</summary>
    public void Note(string text)
    {
        if (_mode.Json) WriteJson(new { note = text });
        else if (_live is not null) _live.Note(Fit.To(text, _live.Width));
        else _console.Out.WriteLine(text);
    }

    /// <summary>Where the peers came from and the DHT's nodes (<see cref="PeerOrigins"/>), shown under the rates; null: nothing.</summary>
    public PeerOrigins? Origins { get; set; }

    private string? OriginsText => Origins?.ToString() is { Length: > 0 } text ? text : null;

    /// <summary>Shows the status when it is time to (always when <paramref name="force"/>).</summary>
    public void Show(TorrentSnapshot s, string? stalled, bool force = false)
    {
        if (_mode.Quiet) return;
        var now = _clock.Elapsed;
        var every = _live is not null ? RedrawInterval : _interval;
        if (!force && _lastShown is { } last && now - last < every) return;
        _lastShown = now;
        if (_live is not null) _live.Draw(StatusView.Live(s, stalled, _mode.Files, _live.Width, OriginsText));
        else if (_mode.Json) WriteJson(JsonStatus.Of(s, stalled, origins: Origins));
        else
        {
            _console.Out.WriteLine(StatusView.Plain(s, stalled, OriginsText));
            if (_mode.Files)
                foreach (var f in s.Files) _console.Out.WriteLine(StatusView.FileLine(f, int.MaxValue));
        }
    }

    /// <summary>Shows one line of text (seeding), in place on a terminal; with <c>--json</c> the status as an object.</summary>
    public void ShowLine(string line, TorrentSnapshot s, bool force = false)
    {
        if (_mode.Quiet) return;
        var now = _clock.Elapsed;
        var every = _live is not null ? RedrawInterval : _interval;
        if (!force && _lastShown is { } last && now - last < every) return;
        _lastShown = now;
        if (_live is not null) _live.Draw(OriginsText is { } o ? [line, Fit.To(o, _live.Width)] : [line]);
        else if (_mode.Json) WriteJson(JsonStatus.Of(s, null, origins: Origins));
        else _console.Out.WriteLine(OriginsText is { } o ? $"{line}  {o}" : line);
    }

    /// <summary>Ends the live block: what follows is written below it.</summary>
    public void Close() => _live?.Close();

    public void WriteJson(object value)
    {
        _console.Out.WriteLine(JsonSerializer.Serialize(value, Json));
        _console.Out.Flush();
    }
}
