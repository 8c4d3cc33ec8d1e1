using System.CommandLine;
using Engine.Api;
using Engine.Core.Metainfo;

namespace Engine.Host.Commands;

/// <summary>
/// <c>download --files 0,2-4</c> (only these files) or <c>--skip 1</c> (all but these), by the indices <c>info</c> prints;
/// <c>seed</c> takes the same options to seed a partial download (only the chosen files are checked and served).
/// </summary>
public sealed record FileChoice(IReadOnlyList<int> Indices, bool Only)
{
    /// <summary>The <c>--skip</c> option of <c>download</c> and <c>seed</c>.</summary>
    public static Option<string?> SkipOption(string what) => new("--skip")
    {
        Description = what + ", by the numbers 'info' prints: 1,5-7",
        HelpName = "list",
    };

    /// <summary>From the two options' texts (either may be null); null when neither was given. Throws <see cref="UsageException"/>.</summary>
    public static FileChoice? Parse(string? files, string? skip)
    {
        if (files is not null && skip is not null) throw new UsageException("--files and --skip cannot be combined");
        var text = files ?? skip;
        if (text is null) return null;
        try { return new FileChoice(FileIndexList.Parse(text), Only: files is not null); }
        catch (FormatException e) { throw new UsageException($"{(files is not null ? "--files" : "--skip")}: {e.Message}"); }
    }

    /// <summary>Each file's priority for a torrent of <paramref name="fileCount"/> files; an index past them is a mistake.</summary>
    public IReadOnlyList<FilePriority> For(int fileCount)
    {
        foreach (var index in Indices)
            if (index >= fileCount)
                throw new CommandLineException($"{(Only ? "--files" : "--skip")}: file {index} does not exist, the torrent has {fileCount} files (numbered 0..{fileCount - 1} by 'info')");
        var priorities = new FilePriority[fileCount];
        Array.Fill(priorities, Only ? FilePriority.Skip : FilePriority.Normal);
        foreach (var index in Indices) priorities[index] = Only ? FilePriority.Normal : FilePriority.Skip;
        return priorities;
    }

    /// <summary>A magnet link's file count is unknown until its metadata arrives: <c>--files</c> becomes its <c>so=</c> (BEP 53).</summary>
    public string ForMagnet(string magnet)
    {
        if (!Only) throw new CommandLineException("--skip needs the file list, which a magnet link lacks until its metadata is fetched: use --files with the files to keep");
        return magnet + "&so=" + FileIndexList.Format(Indices);
    }
}
