using System.CommandLine;
using Engine.Core.Metainfo;
using Engine.Host.Cli;
using Engine.Metainfo;

namespace Engine.Host.Commands;

/// <summary>
/// <c>create &lt;file-or-dir&gt; --tracker &lt;url&gt; [--tracker ...] [--piece-length &lt;size&gt;] [--private]
/// [--comment text] [--web-seed url] [--hybrid | --v2] -o &lt;out.torrent&gt;</c>.
/// </summary>
public static class CreateCommand
{
    public static Command Create(HostConsole console)
    {
        var source = new Argument<string>("source") { Description = "the file or directory to make a torrent of" };
        var trackers = new Option<string[]>("--tracker", "-t")
        {
            Description = "announce URL (http, https or udp); repeat for more tiers",
            HelpName = "url",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
            CustomParser = r => r.Tokens.Select(t => Url(r, t.Value, "tracker", "http", "https", "udp")).ToArray(),
        };
        var webSeeds = new Option<string[]>("--web-seed", "-w")
        {
            Description = "web seed URL (http or https); repeat for more",
            HelpName = "url",
            DefaultValueFactory = _ => [],
            CustomParser = r => r.Tokens.Select(t => Url(r, t.Value, "web seed", "http", "https")).ToArray(),
        };
        var pieceLength = new Option<int?>("--piece-length", "-l")
        {
            Description = "piece size, a power of two from 16k to 64M (default: chosen from the total size)",
            HelpName = "size",
            CustomParser = r =>
            {
                var text = r.Tokens[^1].Value;
                if (Units.TryParseSize(text, out var v) && v >= TorrentCreator.MinPieceLength && v <= TorrentCreator.MaxPieceLength && (v & (v - 1)) == 0) return (int)v;
                r.AddError($"--piece-length: '{text}' is not a power of two from 16k to 64M (e.g. 256k, 1M)");
                return null;
            },
        };
        var isPrivate = Opt.Flag("--private", "mark the torrent private (peers only from its trackers)", "-p");
        var comment = Opt.Text("--comment", "a comment stored in the torrent", "text", "-c");
        var hybrid = Opt.Flag("--hybrid", "make a BitTorrent v1+v2 hybrid (BEP 52; padding files between files), as libtorrent does");
        var v2 = Opt.Flag("--v2", "make a BitTorrent v2-only torrent (BEP 52: per-file merkle trees, no v1 piece hashes; v1-only clients cannot read it)");
        var output = new Option<string>("--output", "-o") { Description = "the .torrent file to write", HelpName = "file", Required = true };
        var command = new Command("create", "make a .torrent file from a file or a directory (hashing on all cores)")
        {
            source, trackers, output, webSeeds, pieceLength, isPrivate, comment, hybrid, v2,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(hybrid) && r.GetValue(v2)) r.AddError("--hybrid and --v2 cannot be combined: a hybrid is v1+v2, --v2 is v2 only");
        });
        command.SetAction(r => Run(r.GetValue(source)!, r.GetValue(output)!, new TorrentCreationOptions
        {
            Trackers = r.GetValue(trackers) ?? [],
            WebSeeds = r.GetValue(webSeeds) ?? [],
            PieceLength = r.GetValue(pieceLength),
            IsPrivate = r.GetValue(isPrivate),
            Comment = r.GetValue(comment),
            Hybrid = r.GetValue(hybrid),
            V2Only = r.GetValue(v2),
        }, console.Out));
        return command;
    }

    public static int Run(string source, string outPath, TorrentCreationOptions options, TextWriter output)
    {
        if (!File.Exists(source) && !Directory.Exists(source))
            throw new CommandLineException($"{source}: no such file or directory");
        if (Directory.Exists(outPath))
            throw new CommandLineException($"-o {outPath}: is a directory; give the path of the .torrent file to write");
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
        catch (UnauthorizedAccessException e)
        {
            throw new CommandLineException($"permission denied: {e.Message}");
        }
        catch (Exception e) when (e is MetainfoException or IOException)
        {
            throw new CommandLineException(e.Message);
        }
        output.WriteLine($"created {outPath}");
        output.WriteLine($"name:          {created.Name}");
        output.WriteLine($"info-hash:     {created.InfoHash}{(created.IsV2Only ? " (v2, truncated)" : "")}");
        if (created.HasV2) output.WriteLine($"info-hash v2:  {Convert.ToHexStringLower(created.InfoHashV2.Span)}");
        output.WriteLine($"size:          {InfoCommand.Size(created.TotalLength)} in {created.Files.Count(f => !f.IsPadding)} file(s)");
        output.WriteLine($"pieces:        {created.PieceCount} x {InfoCommand.Size(created.PieceLength)}");
        return ExitCodes.Ok;
    }

    private static string Url(System.CommandLine.Parsing.ArgumentResult r, string text, string what, params string[] schemes)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || !schemes.Contains(uri.Scheme))
            r.AddError($"{what} '{text}' is not an absolute {string.Join("/", schemes)} URL");
        return text;
    }
}
