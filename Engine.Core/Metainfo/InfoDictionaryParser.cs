using Engine.Core.Bencode;
using Engine.Core.Merkle;

namespace Engine.Core.Metainfo;

/// <summary>The v1 content of an info dictionary, validated and with safe paths.</summary>
internal sealed record ParsedInfo(
    string Name,
    int PieceLength,
    ReadOnlyMemory<byte> PieceHashes,
    long TotalLength,
    IReadOnlyList<TorrentFile> Files,
    bool IsMultiFile,
    bool IsPrivate,
    bool IsHybrid,
    bool IsV2Only = false,
    MerklePieces? Merkle = null)
{
    /// <summary>A hybrid's v2 half, for answering hash requests (its pieces are checked by v1).</summary>
    public MerklePieces? HybridHashes { get; init; }
}

/// <summary>Validates a v1, hybrid or v2-only info dictionary. Every problem is a <see cref="MetainfoException"/>.</summary>
internal static class InfoDictionaryParser
{
    /// <summary>Largest piece length accepted (a piece is held in memory while it is hashed).</summary>
    public const int MaxPieceLength = 512 * 1024 * 1024;

    private static ReadOnlySpan<byte> LegacyPaddingPrefix => "_____padding_file_"u8;

    public static ParsedInfo Parse(BDictionary info, BValue? pieceLayers, string infoHashHex)
    {
        var version = CheckVersion(info);
        var isHybrid = version == MetaVersion.Hybrid;

        if (info["piece length"] is not BInteger { Value: > 0 and <= MaxPieceLength } pieceLength)
            throw new MetainfoException(info["piece length"] is BInteger bad
                ? $"invalid 'piece length' {bad.Value} (must be 1..{MaxPieceLength})"
                : "missing or invalid 'piece length' (must be an integer)");

        if (version == MetaVersion.V2Only)
            return V2InfoParser.Parse(info, pieceLayers, ReadName(info), (int)pieceLength.Value, infoHashHex);

        if (info["pieces"] is not BString pieces)
            throw new MetainfoException("missing or invalid 'pieces' (must be a byte string of SHA-1 hashes)");
        if (pieces.Bytes.Length % 20 != 0)
            throw new MetainfoException($"'pieces' is {pieces.Bytes.Length} bytes, not a multiple of 20");

        var rawName = ReadName(info);

        var isMultiFile = info.ContainsKey("files");
        var rawFiles = isMultiFile ? ReadFileList(info) : [ReadSingleFile(info)];

        long total = 0;
        foreach (var f in rawFiles)
        {
            total += f.Length;
            if (total < 0 || total > long.MaxValue / 2)
                throw new MetainfoException("invalid length: the file lengths add up to more than the engine supports");
        }
        if (total == 0)
            throw new MetainfoException("invalid length: the torrent contains no data (total length 0)");

        var pieceCount = (total + pieceLength.Value - 1) / pieceLength.Value;
        if (pieceCount != pieces.Bytes.Length / 20)
            throw new MetainfoException(
                $"'pieces' holds {pieces.Bytes.Length / 20} hash(es) but {total} bytes in pieces of {pieceLength.Value} need {pieceCount}");

        var v2Half = isHybrid ? HybridValidator.Check(info, pieceLayers, rawName, rawFiles, isMultiFile, (int)pieceLength.Value) : null;

        var name = PathSanitizer.Name(rawName.Span, infoHashHex);
        var files = isMultiFile ? BuildFiles(name, rawFiles) : [new TorrentFile([name], total, 0, FileAttributesFlags.None, null)];
        var isPrivate = info["private"] is BInteger { Value: 1 };
        // The v2 half's pieces are numbered as the v1 half's (each file on a piece boundary); if not, it answers nothing.
        var hashSource = v2Half is not null && v2Half.PieceCount == pieceCount ? v2Half : null;
        return new ParsedInfo(name, (int)pieceLength.Value, pieces.Bytes, total, files, isMultiFile, isPrivate, isHybrid) { HybridHashes = hashSource };
    }

    private enum MetaVersion { V1, Hybrid, V2Only }

    private static ReadOnlyMemory<byte> ReadName(BDictionary info) =>
        (info["name.utf-8"] as BString ?? info["name"] as BString)?.Bytes
        ?? throw new MetainfoException("missing or invalid 'name' (must be a byte string)");

    /// <summary>Which halves the info dictionary has; throws for unknown versions.</summary>
    private static MetaVersion CheckVersion(BDictionary info)
    {
        var version = info["meta version"];
        if (version is null)
        {
            if (info.ContainsKey("file tree") && !info.ContainsKey("pieces"))
                throw new MetainfoException("a 'file tree' without 'meta version' 2 (neither v1 nor v2)");
            return MetaVersion.V1;
        }
        if (version is not BInteger { Value: 1 or 2 } v)
            throw new MetainfoException($"unsupported 'meta version' {version}");
        if (v.Value == 1) return MetaVersion.V1;
        if (!info.ContainsKey("pieces") || !(info.ContainsKey("files") || info.ContainsKey("length")))
            return MetaVersion.V2Only;
        return MetaVersion.Hybrid;
    }

    private static RawFileEntry ReadSingleFile(BDictionary info)
    {
        if (info["length"] is not BInteger length)
            throw new MetainfoException("invalid length: the info dictionary has neither 'files' nor an integer 'length'");
        if (length.Value < 0)
            throw new MetainfoException($"invalid length: 'length' is negative ({length.Value})");
        return new RawFileEntry(null, length.Value, FileAttributesFlags.None, null);
    }

    private static List<RawFileEntry> ReadFileList(BDictionary info)
    {
        if (info["files"] is not BList list)
            throw new MetainfoException("'files' must be a list");
        if (list.Count == 0)
            throw new MetainfoException("no files in torrent ('files' is empty)");
        var result = new List<RawFileEntry>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not BDictionary entry)
                throw new MetainfoException($"file {i} is not a dictionary");
            result.Add(ReadFileEntry(entry, i));
        }
        return result;
    }

    private static RawFileEntry ReadFileEntry(BDictionary entry, int index)
    {
        var attributes = entry["attr"] is BString attr ? Attributes(attr.Bytes.Span) : FileAttributesFlags.None;

        var path = ReadStringList(entry["path.utf-8"]) ?? ReadStringList(entry["path"]);
        if (path is null)
        {
            if (entry.ContainsKey("path") || (attributes & FileAttributesFlags.Padding) == 0)
                throw new MetainfoException($"file {index}: missing or invalid 'path' (must be a list of byte strings)");
        }
        else if (path.Count > 0 && path[^1].Span.StartsWith(LegacyPaddingPrefix))
            attributes |= FileAttributesFlags.Padding;

        IReadOnlyList<ReadOnlyMemory<byte>>? symlink = null;
        long length;
        if ((attributes & FileAttributesFlags.Symlink) != 0)
        {
            symlink = ReadStringList(entry["symlink path"])
                      ?? throw new MetainfoException($"file {index}: symlink with a missing or invalid 'symlink path'");
            length = 0;
        }
        else
        {
            if (entry["length"] is not BInteger l)
                throw new MetainfoException($"invalid length: file {index} has no integer 'length'");
            if (l.Value < 0)
                throw new MetainfoException($"invalid length: file {index} has a negative length ({l.Value})");
            length = l.Value;
        }
        return new RawFileEntry(path, length, attributes, symlink);
    }

    /// <summary>The BEP 47 <c>attr</c> letters (p, l, x, h; others ignored).</summary>
    public static FileAttributesFlags Attributes(ReadOnlySpan<byte> attr)
    {
        var attributes = FileAttributesFlags.None;
        foreach (var b in attr)
            attributes |= b switch
            {
                (byte)'p' => FileAttributesFlags.Padding,
                (byte)'l' => FileAttributesFlags.Symlink,
                (byte)'x' => FileAttributesFlags.Executable,
                (byte)'h' => FileAttributesFlags.Hidden,
                _ => FileAttributesFlags.None,
            };
        return attributes;
    }

    /// <summary>The byte strings of a list, or null when it is not a list of byte strings.</summary>
    public static List<ReadOnlyMemory<byte>>? ReadStringList(BValue? value)
    {
        if (value is not BList list) return null;
        var result = new List<ReadOnlyMemory<byte>>(list.Count);
        foreach (var item in list.Items)
        {
            if (item is not BString s) return null;
            result.Add(s.Bytes);
        }
        return result;
    }

    public static List<TorrentFile> BuildFiles(string name, List<RawFileEntry> raw)
    {
        var sanitised = new List<string>[raw.Count];
        for (var i = 0; i < raw.Count; i++)
        {
            var f = raw[i];
            var components = new List<string>(4) { name };
            if (f.Path is not null)
                components.AddRange(PathSanitizer.Path(f.Path, $"the path of file {i}"));
            else
                components.AddRange([".pad", f.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            sanitised[i] = components;
        }

        var dedup = new PathDeduplicator(sanitised.Where((_, i) => (raw[i].Attributes & FileAttributesFlags.Padding) == 0));
        var files = new List<TorrentFile>(raw.Count);
        long offset = 0;
        for (var i = 0; i < raw.Count; i++)
        {
            var f = raw[i];
            var isPadding = (f.Attributes & FileAttributesFlags.Padding) != 0;
            var components = isPadding ? sanitised[i] : dedup.Claim(sanitised[i]);
            var target = f.SymlinkPath is null ? null : string.Join('/', PathSanitizer.Path(f.SymlinkPath, $"the symlink target of file {i}"));
            files.Add(new TorrentFile(components, f.Length, offset, f.Attributes, target));
            offset += f.Length;
        }
        return files;
    }
}
