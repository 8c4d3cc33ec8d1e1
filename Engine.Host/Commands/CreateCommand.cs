using System.Globalization;
using Engine.Core.Metainfo;
using Engine.Metainfo;

namespace Engine.Host.Commands;

/// <summary>
/// <c>create &lt;file-or-dir&gt; --tracker &lt;url&gt; [--tracker ...] [--piece-length N] [--private]
/// [--comment text] [--web-seed url] -o &lt;out.torrent&gt;</c>.
/// </summary>
public static class CreateCommand
{
    public const string Usage =
        "usage: Engine.Host create <file-or-dir> --tracker <url> [--tracker <url>...] [--piece-length <bytes>] [--private] [--comment <text>] [--web-seed <url>...] -o <out.torrent>";

    public static int Run(string[] args, TextWriter output)
    {
        var (source, outPath, options) = ParseArguments(args);
        byte[] bytes;
        TorrentMetainfo created;
        try
        {
            bytes = TorrentCreator.Create(source, options);
            created = TorrentMetainfo.Parse(bytes);
            var temp = outPath + ".tmp";
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, outPath, overwrite: true);
        }
        catch (Exception e) when (e is MetainfoException or IOException or UnauthorizedAccessException)
        {
            throw new CommandLineException(e.Message);
        }
        output.WriteLine($"created {outPath}");
        output.WriteLine($"name:          {created.Name}");
        output.WriteLine($"info-hash:     {created.InfoHash}");
        output.WriteLine($"size:          {InfoCommand.Size(created.TotalLength)} in {created.Files.Count} file(s)");
        output.WriteLine($"pieces:        {created.PieceCount} x {InfoCommand.Size(created.PieceLength)}");
        return 0;
    }

    internal static (string Source, string Output, TorrentCreationOptions Options) ParseArguments(string[] args)
    {
        string? source = null, output = null, comment = null;
        int? pieceLength = null;
        var isPrivate = false;
        var trackers = new List<string>();
        var webSeeds = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new CommandLineException($"{arg} needs a value; {Usage}");
            switch (arg)
            {
                case "--tracker" or "-t":
                    trackers.Add(Url(Value(), "tracker", "http", "https", "udp"));
                    break;
                case "--web-seed" or "-w":
                    webSeeds.Add(Url(Value(), "web seed", "http", "https"));
                    break;
                case "--piece-length" or "-l":
                    pieceLength = ParseSize(Value());
                    break;
                case "--private" or "-p":
                    isPrivate = true;
                    break;
                case "--comment" or "-c":
                    comment = Value();
                    break;
                case "--output" or "-o":
                    output = Value();
                    break;
                default:
                    if (arg.StartsWith('-') && arg.Length > 1)
                        throw new CommandLineException($"unknown option '{arg}'; {Usage}");
                    if (source is not null)
                        throw new CommandLineException($"more than one source ('{source}', '{arg}'); {Usage}");
                    source = arg;
                    break;
            }
        }
        if (source is null) throw new CommandLineException($"missing the file or directory to share; {Usage}");
        if (output is null) throw new CommandLineException($"missing -o <out.torrent>; {Usage}");
        if (trackers.Count == 0) throw new CommandLineException($"at least one --tracker is required; {Usage}");
        if (pieceLength is { } pl && (pl < TorrentCreator.MinPieceLength || pl > TorrentCreator.MaxPieceLength || (pl & (pl - 1)) != 0))
            throw new CommandLineException($"--piece-length {pl} must be a power of two from 16 KiB to 64 MiB");
        return (source, output, new TorrentCreationOptions
        {
            Trackers = trackers,
            WebSeeds = webSeeds,
            PieceLength = pieceLength,
            IsPrivate = isPrivate,
            Comment = comment,
        });
    }

    private static string Url(string text, string what, params string[] schemes)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || !schemes.Contains(uri.Scheme))
            throw new CommandLineException($"{what} '{text}' is not an absolute {string.Join("/", schemes)} URL");
        return text;
    }

    /// <summary>Bytes, optionally with a k/m suffix (binary): "262144", "256k", "4m".</summary>
    internal static int ParseSize(string text)
    {
        var multiplier = 1L;
        var digits = text;
        if (text.Length > 1 && char.ToLowerInvariant(text[^1]) is 'k' or 'm')
        {
            multiplier = char.ToLowerInvariant(text[^1]) == 'k' ? 1024 : 1024 * 1024;
            digits = text[..^1];
        }
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > int.MaxValue / multiplier)
            throw new CommandLineException($"--piece-length '{text}' is not a size in bytes (e.g. 262144 or 256k)");
        return (int)(value * multiplier);
    }
}
