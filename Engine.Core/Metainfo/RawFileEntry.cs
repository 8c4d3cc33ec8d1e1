namespace Engine.Core.Metainfo;

/// <summary>A file entry as read from the info dictionary, before sanitising (internal to parsing).</summary>
internal sealed record RawFileEntry(
    IReadOnlyList<ReadOnlyMemory<byte>>? Path,
    long Length,
    FileAttributesFlags Attributes,
    IReadOnlyList<ReadOnlyMemory<byte>>? SymlinkPath);
