using System.Globalization;
using Engine.Core.Metainfo;
using Engine.Metainfo;

namespace Engine.Host.Commands;

/// <summary><c>info &lt;file.torrent | magnet-uri&gt;</c>: prints what a torrent or magnet link describes.</summary>
public static class InfoCommand
{
    public const string Usage = "usage: Engine.Host info <file.torrent | magnet-uri>";

    public static int Run(string[] args, TextWriter output)
    {
        if (args.Length != 1 || args[0].StartsWith('-'))
            throw new CommandLineException(args.Length == 0 ? $"missing the torrent file or magnet link; {Usage}" : Usage);
        var target = args[0];
        try
        {
            if (MagnetLink.IsMagnet(target))
                PrintMagnet(MagnetLink.Parse(target), output);
            else
                PrintTorrent(TorrentMetainfo.Load(target), output);
        }
        catch (Exception e) when (e is MetainfoException or MagnetException)
        {
            throw new CommandLineException(MagnetLink.IsMagnet(target) ? e.Message : $"{target}: {e.Message}");
        }
        return 0;
    }

    private static void PrintTorrent(TorrentMetainfo t, TextWriter o)
    {
        o.WriteLine($"name:          {t.Name}");
        o.WriteLine($"info-hash:     {t.InfoHash}");
        o.WriteLine($"size:          {Size(t.TotalLength)}");
        o.WriteLine($"pieces:        {t.PieceCount} x {Size(t.PieceLength)}");
        o.WriteLine($"private:       {(t.IsPrivate ? "yes" : "no")}");
        if (t.IsHybrid) o.WriteLine("format:        hybrid v1+v2 (loaded as v1)");
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

        var files = t.Files.Where(f => !f.IsPadding).ToList();
        var padding = t.Files.Count - files.Count;
        o.WriteLine($"files:         {files.Count}{(padding > 0 ? $" (+{padding} padding)" : "")}");
        foreach (var f in files)
            o.WriteLine($"  {f.Path}  {Size(f.Length)}{(f.IsSymlink ? $"  symlink -> {f.SymlinkTarget}" : "")}");
    }

    private static void PrintMagnet(MagnetLink m, TextWriter o)
    {
        o.WriteLine($"name:          {(m.DisplayName is null ? "(none)" : OneLine(m.DisplayName))}");
        o.WriteLine($"info-hash:     {m.InfoHash}");
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
