namespace Engine.Core.Metainfo;

/// <summary>
/// One entry of a torrent's file list, already made safe: <see cref="Path"/> is relative to the
/// save directory, '/'-separated, and cannot leave it (see docs/metainfo.md for the rules).
/// </summary>
public sealed class TorrentFile
{
    internal TorrentFile(IReadOnlyList<string> components, long length, long offset, FileAttributesFlags attributes, string? symlinkTarget)
    {
        PathComponents = components;
        Path = string.Join('/', components);
        Length = length;
        Offset = offset;
        IsPadding = (attributes & FileAttributesFlags.Padding) != 0;
        IsSymlink = (attributes & FileAttributesFlags.Symlink) != 0;
        IsExecutable = (attributes & FileAttributesFlags.Executable) != 0;
        IsHidden = (attributes & FileAttributesFlags.Hidden) != 0;
        SymlinkTarget = symlinkTarget;
    }

    /// <summary>
    /// Relative to the save directory, '/'-separated. Multi-file torrents: starts with the torrent's
    /// (sanitised) name directory, e.g. <c>temp/a/b.txt</c>; single-file torrents: just the name.
    /// </summary>
    public string Path { get; }

    /// <summary>The components of <see cref="Path"/> (the name directory included for multi-file torrents).</summary>
    public IReadOnlyList<string> PathComponents { get; }

    /// <summary>Bytes of the file (0 for symlinks, whatever the file claims).</summary>
    public long Length { get; }

    /// <summary>Where the file starts in the torrent's byte stream (padding files included).</summary>
    public long Offset { get; }

    /// <summary>BEP 47 padding file (attr 'p', or a legacy <c>_____padding_file_</c> name): zeros, never written to disk.</summary>
    public bool IsPadding { get; }

    /// <summary>BEP 47 symlink (attr 'l'): carries no data; the engine does not create it.</summary>
    public bool IsSymlink { get; }

    /// <summary>BEP 47 attr 'x'.</summary>
    public bool IsExecutable { get; }

    /// <summary>BEP 47 attr 'h'.</summary>
    public bool IsHidden { get; }

    /// <summary>For symlinks: the sanitised target, relative to the torrent's root, '/'-separated.</summary>
    public string? SymlinkTarget { get; }

    public override string ToString() => $"{Path} ({Length} bytes @{Offset})";
}

[Flags]
internal enum FileAttributesFlags
{
    None = 0,
    Padding = 1,
    Symlink = 2,
    Executable = 4,
    Hidden = 8,
}
