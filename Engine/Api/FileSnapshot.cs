namespace Engine.Api;

/// <summary>One file of a torrent.</summary>
/// <param name="Path">Relative to the save directory, '/'-separated (multi-file torrents start with the torrent's directory).</param>
/// <param name="Length">Bytes.</param>
/// <param name="Progress">Fraction of the file's bytes that lie in verified pieces, 0..1 (an empty file is 1).</param>
public sealed record FileSnapshot(string Path, long Length, double Progress)
{
    /// <summary>The file's index in the torrent's file list (padding files count; they are not listed).</summary>
    public int Index { get; init; }

    public FilePriority Priority { get; init; } = FilePriority.Normal;
}
