namespace Engine.Core.Metainfo;

/// <summary>A file of a BEP 52 <c>file tree</c>, before sanitising (internal to parsing).</summary>
internal sealed record V2FileEntry(
    IReadOnlyList<ReadOnlyMemory<byte>> Path,
    long Length,
    ReadOnlyMemory<byte> PiecesRoot,
    FileAttributesFlags Attributes,
    IReadOnlyList<ReadOnlyMemory<byte>>? SymlinkPath);
