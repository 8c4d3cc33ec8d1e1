namespace Engine.Sharing;

/// <summary>A file as a directory scan saw it: its name (no directory part), size and last write time (UTC).</summary>
internal sealed record ListedFile(string Name, long Size, DateTime ModifiedUtc)
{
    public FileSignature Signature => new(Size, ModifiedUtc);
}

/// <summary>Size and last write time: when either changes, the file's content is taken to have changed.</summary>
public readonly record struct FileSignature(long Size, DateTime ModifiedUtc);
