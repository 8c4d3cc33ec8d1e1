using System.CommandLine;
using System.Globalization;
using Engine.Core.Metainfo;
using Engine.Host.Cli;

namespace Engine.Host.Commands;

/// <summary><c>info &lt;file.torrent | magnet-uri&gt;</c>: prints what a torrent or magnet link describes.</summary>
public static class InfoCommand
{
    public static Command Create(HostConsole console)
    {
        var target = new Argument<string>("torrent") { Description = "a .torrent file, its http(s) URL, or a magnet link" };
        var command = new Command("info", "show what a .torrent file (or its URL) or a magnet link describes") { target };
        command.SetAction((r, ct) => RunAsync(r.GetValue(target)!, console.Out, ct));
        return command;
    }

    /// <summary>Prints what a .torrent file, its URL or a magnet link describes.</summary>
    public static async Task<int> RunAsync(string target, TextWriter output, CancellationToken ct = default) =>
        Print(await TorrentSource.ResolveAsync(target, ct), output);

    /// <summary>Prints what a .torrent file or a magnet link describes.</summary>
    public static int Run(string target, TextWriter output) => Print(TorrentSource.Resolve(target), output);

    private static int Print(TorrentSource source, TextWriter output)
    {
        if (source.Magnet is { } magnet) PrintMagnet(magnet, output);
        else PrintTorrent(source.Metainfo!, output);
        return ExitCodes.Ok;
    }

    private static void PrintTorrent(TorrentMetainfo t, TextWriter o)
    {
        o.WriteLine($"name:          {t.Name}");
        o.WriteLine($"info-hash:     {t.InfoHash}{(t.IsV2Only ? " (v2, truncated)" : "")}");
        if (t.HasV2) o.WriteLine($"info-hash v2:  {Convert.ToHexStringLower(t.InfoHashV2.Span)}");
        o.WriteLine($"size:          {Size(t.TotalLength)}");
        o.WriteLine($"pieces:        {t.PieceCount} x {Size(t.PieceLength)}");
        o.WriteLine($"private:       {(t.IsPrivate ? "yes" : "no")}");
        if (t.IsHybrid) o.WriteLine("format:        hybrid v1+v2 (downloads as v1)");
        if (t.IsV2Only) o.WriteLine("format:        v2 only" + (t.MissingPieceLayers > 0 ? $" (piece layers of {t.MissingPieceLayers} file(s) missing: fetched from peers)" : ""));
        if (t.CreatedBy is not null) o.WriteLine($"created by:    {OneLine(t.CreatedBy)}");
        if (t.CreationDate is { } date) o.WriteLine($"created on:    {date.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC");
        if (t.Comment is not null) o.WriteLine($"comment:       {OneLine(t.Comment)}");

        o.WriteLine($"trackers:      {(t.AnnounceTiers.Count == 0 ? "none" : "")}");
        for (var i = 0; i < t.AnnounceTiers.Count; i++)
            foreach (var url in t.AnnounceTiers[i])
                o.WriteLine($"  tier {i + 1}: {url}");
        var seeds = t.UrlList.Concat(t.HttpSeeds).ToList();
        o.WriteLine($"web seeds:     {(seeds.Count == 0 ? "none" : "")}");
        foreach (var url in seeds) o.WriteLine($"  {url}");

        var padding = t.Files.Count(f => f.IsPadding);
        o.WriteLine($"files:         {t.Files.Count - padding}{(padding > 0 ? $" (+{padding} padding)" : "")}  (numbers for download --files/--skip)");
        var width = (t.Files.Count - 1).ToString(CultureInfo.InvariantCulture).Length;
        for (var i = 0; i < t.Files.Count; i++)
        {
            var f = t.Files[i];
            if (f.IsPadding) continue;
            o.WriteLine($"  {i.ToString(CultureInfo.InvariantCulture).PadLeft(width)}  {f.Path}  {Size(f.Length)}{(f.IsSymlink ? $"  symlink -> {f.SymlinkTarget}" : "")}");
        }
    }

    private static void PrintMagnet(MagnetLink m, TextWriter o)
    {
        o.WriteLine($"name:          {(m.DisplayName is null ? "(none)" : OneLine(m.DisplayName))}");
        o.WriteLine($"info-hash:     {m.InfoHash}{(m.IsV2Only ? " (v2, truncated)" : "")}");
        if (!m.InfoHashV2.IsEmpty) o.WriteLine($"info-hash v2:  {Convert.ToHexStringLower(m.InfoHashV2.Span)}");
        o.WriteLine("size:          unknown until the metadata is fetched from peers");
        o.WriteLine($"trackers:      {(m.Trackers.Count == 0 ? "none" : "")}");
        foreach (var url in m.Trackers) o.WriteLine($"  {url}");
        o.WriteLine($"web seeds:     {(m.WebSeeds.Count == 0 ? "none" : "")}");
        foreach (var url in m.WebSeeds) o.WriteLine($"  {url}");
        o.WriteLine($"peers:         {(m.Peers.Count == 0 ? "none" : "")}");
        foreach (var p in m.Peers) o.WriteLine($"  {p}");
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    internal static string Size(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        var human = unit == 0 ? $"{bytes} B" : $"{value.ToString("0.##", CultureInfo.InvariantCulture)} {units[unit]}";
        return unit == 0 ? human : $"{human} ({bytes.ToString(CultureInfo.InvariantCulture)} bytes)";
    }
}
