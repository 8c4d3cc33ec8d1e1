namespace Engine.Core.Bencode;

/// <summary>
/// Decoder settings. <see cref="Strict"/> (default) rejects dictionaries whose keys are not in
/// ascending byte order or repeat; with it off, such dictionaries are accepted as they are and a
/// repeated key's first value wins on lookup. Everything else (integer form, string lengths, key
/// types, trailing data, depth) is always checked.
/// </summary>
internal sealed record BencodeOptions(bool Strict = true, int MaxDepth = 256)
{
    public static BencodeOptions Default { get; } = new();

    /// <summary>For .torrent files: real-world torrents sometimes have unsorted or duplicate keys.</summary>
    public static BencodeOptions Metainfo { get; } = new(Strict: false);
}
