using System.Globalization;
using Engine.Api;
using Engine.Events;
using Engine.Host.Cli;

namespace Engine.Host.Output;

/// <summary>
/// What the console shows of a torrent, as text lines that each fit <c>width</c> columns: the header (name, size,
/// destination), the live lines (a bar, progress, rates, peers, ETA, and why it is stalled), one line per file with
/// <c>--files</c>, and the plain one-line form for redirected output. Pure: the display decides where they go.
/// </summary>
public static class StatusView
{
    /// <summary>Printed once the torrent's metadata is known: name, size and files, destination.</summary>
    public static IReadOnlyList<string> Header(TorrentSnapshot s, int width)
    {
        var files = s.Files.Count;
        // Pieces are a power of two long but the last (the snapshot has no piece length): the power of two at or above the mean.
        var pieceLength = s.PieceCount > 0 ? (double)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)Math.Ceiling((double)s.TotalBytes / s.PieceCount)) : 0;
        return
        [
            Fit.To($"name:  {s.Name}", width),
            Fit.To($"size:  {Units.Bytes(s.TotalBytes)} in {files} file{(files == 1 ? "" : "s")}, {s.PieceCount} pieces of {Units.Bytes(pieceLength)}", width),
            "into:  " + Fit.PathTo(s.SaveDirectory, Math.Max(1, width - 7)),
        ];
    }

    /// <summary>The live lines on a terminal (two to four, then the files with <paramref name="files"/>); <paramref name="origins"/>: where peers came from.</summary>
    public static IReadOnlyList<string> Live(TorrentSnapshot s, string? stalled, bool files, int width, string? origins = null)
    {
        var lines = new List<string>();
        if (s.State == TorrentState.FetchingMetadata)
            lines.Add(Fit.To($"fetching metadata from peers  peers {s.Peers}/{s.KnownPeers}", width));
        else if (s.State == TorrentState.Checking)
            lines.Add(Bar(s.CheckProgress, width, $" checking {Percent(s.CheckProgress)}"));
        else
            lines.Add(Bar(s.Progress, width, $" {Percent(s.Progress)} {Units.Bytes(s.VerifiedBytes)}/{Units.Bytes(s.TotalBytes)}"));
        lines.Add(Fit.To(Rates(s), width));
        if (!string.IsNullOrEmpty(origins)) lines.Add(Fit.To(origins, width));
        if (stalled is not null) lines.Add(Fit.To("stalled: " + stalled, width));
        if (files)
            foreach (var f in s.Files)
                lines.Add(FileLine(f, width));
        return lines;
    }

    /// <summary>One line per interval when the output is not a terminal.</summary>
    public static string Plain(TorrentSnapshot s, string? stalled, string? origins = null)
    {
        var head = s.State switch
        {
            TorrentState.FetchingMetadata => "fetching metadata",
            TorrentState.Checking => $"checking {Percent(s.CheckProgress)}",
            _ => $"{Percent(s.Progress)} {Units.Bytes(s.VerifiedBytes)}/{Units.Bytes(s.TotalBytes)}",
        };
        return $"{head}  {Rates(s)}" + (string.IsNullOrEmpty(origins) ? "" : $"  {origins}") + (stalled is null ? "" : $"  stalled: {stalled}");
    }

    /// <summary>A file's line: its progress, size and path (the path's end kept when it must be cut).</summary>
    public static string FileLine(FileSnapshot f, int width)
    {
        var head = $"  {Percent(f.Progress),6} {Units.Bytes(f.Length),10}  ";
        return head + Fit.PathTo(f.Path, Math.Max(1, width - head.Length));
    }

    public static string Rates(TorrentSnapshot s) =>
        $"down {Units.Rate(s.DownloadRate)}  up {Units.Rate(s.UploadRate)}  peers {s.Peers}/{s.KnownPeers}  ETA {Units.Clock(s.Eta)}";

    public static string Percent(double fraction) => (Math.Floor(fraction * 1000) / 10).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary><c>[#####.....] text</c>, the bar taking what the text leaves (at most 40 columns, none below 10 left).</summary>
    public static string Bar(double fraction, int width, string text)
    {
        var barWidth = Math.Min(40, width - Fit.Columns(text) - 2);
        if (barWidth < 10) return Fit.To(text.TrimStart(), width);
        var filled = (int)Math.Clamp(Math.Floor(fraction * barWidth), 0, barWidth);
        return $"[{new string('#', filled)}{new string('.', barWidth - filled)}]{text}";
    }
}
