using System.Buffers;
using System.Numerics;
using System.Security.Cryptography;
using Engine.Core.Bencode;
using Engine.Core.Metainfo;
using Microsoft.Win32.SafeHandles;

namespace Engine.Metainfo;

/// <summary>
/// Makes a v1 .torrent (or, with <see cref="TorrentCreationOptions.Hybrid"/>, a BEP 52 hybrid v1+v2 one: padding
/// files align every file to a piece, plus <c>file tree</c> and <c>piece layers</c>; with
/// <see cref="TorrentCreationOptions.V2Only"/> only the v2 parts) from a file or a directory. Directory contents are listed recursively and
/// sorted by path components (ordinal), so the result is deterministic; symbolic links are skipped.
/// Pieces are hashed in parallel (one piece buffer per worker, so memory is bounded by
/// workers × piece length), reading with <see cref="RandomAccess"/>.
/// </summary>
public static class TorrentCreator
{
    public const string DefaultCreatedBy = "Engine/0.1";
    public const int MinPieceLength = 16 * 1024;
    public const int MaxDefaultPieceLength = 16 * 1024 * 1024;
    public const int MaxPieceLength = 64 * 1024 * 1024;

    /// <summary>The smallest power of two in 16 KiB..16 MiB giving at most 2000 pieces (so 1000–2000 when the size allows).</summary>
    public static int DefaultPieceLength(long totalLength)
    {
        var pieceLength = MinPieceLength;
        while (pieceLength < MaxDefaultPieceLength && (totalLength + pieceLength - 1) / pieceLength > 2000)
            pieceLength *= 2;
        return pieceLength;
    }

    /// <summary>Builds the .torrent bytes for <paramref name="path"/> (a file or a directory).</summary>
    public static byte[] Create(string path, TorrentCreationOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new TorrentCreationOptions();
        if (options.Hybrid && options.V2Only) throw new MetainfoException("a torrent is either hybrid (v1+v2) or v2-only, not both");
        var full = Path.GetFullPath(path);
        var isDirectory = Directory.Exists(full);
        if (!isDirectory && !File.Exists(full))
            throw new MetainfoException($"'{path}' is neither a file nor a directory");
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(full));
        if (string.IsNullOrEmpty(name))
            throw new MetainfoException($"'{path}' has no name to give the torrent");

        var files = isDirectory ? ListFiles(full) : [new SourceFile(full, [name], new FileInfo(full).Length)];
        long total = 0;
        foreach (var f in files) total += f.Length;
        if (total == 0)
            throw new MetainfoException($"'{path}' contains no data (no files, or only empty ones)");

        var pieceLength = options.PieceLength ?? DefaultPieceLength(total);
        if (pieceLength is < MinPieceLength or > MaxPieceLength || !BitOperations.IsPow2(pieceLength))
            throw new MetainfoException($"piece length {pieceLength} must be a power of two from {MinPieceLength} to {MaxPieceLength}");

        var dataFiles = files;
        if (options.Hybrid && isDirectory) (files, total) = WithPadding(files, pieceLength);

        var info = new BDictionaryBuilder()
            .Add("name", name)
            .Add("piece length", pieceLength);
        if (!options.V2Only) AddV1(info, files, total, isDirectory, pieceLength, options.MaxParallelism ?? Environment.ProcessorCount, cancellationToken);
        if (options.IsPrivate) info.Add("private", 1);

        BDictionary? layers = null;
        if (options.Hybrid || options.V2Only)
        {
            (var tree, layers) = HybridParts.Build(isDirectory ? dataFiles.Select(f => (f.FullPath, f.Components, f.Length)) : [(full, [], total)],
                name, isDirectory, pieceLength, cancellationToken);
            info.Add("meta version", 2).Add("file tree", tree);
        }

        var root = new BDictionaryBuilder().Add("info", info);
        if (layers is not null) root.Add("piece layers", layers);
        if (options.Trackers.Count > 0)
        {
            root.Add("announce", options.Trackers[0]);
            root.Add("announce-list", new BList(options.Trackers.Select(t => (BValue)new BList(new BString(t)))));
        }
        if (options.WebSeeds.Count > 0) root.Add("url-list", options.WebSeeds);
        root.AddIfNotNull("comment", options.Comment);
        root.Add("created by", options.CreatedBy);
        if (!options.OmitCreationDate)
            root.Add("creation date", (options.CreationDate ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds());
        return root.ToArray();
    }

    /// <summary>The v1 keys: <c>pieces</c> (SHA-1 of each piece) and <c>files</c> (padding marked) or <c>length</c>.</summary>
    private static void AddV1(BDictionaryBuilder info, List<SourceFile> files, long total, bool isDirectory, int pieceLength, int parallelism, CancellationToken ct)
    {
        info.Add("pieces", HashPieces(files, total, pieceLength, parallelism, ct));
        if (isDirectory)
            info.Add("files", new BList(files.Select(f =>
            {
                var entry = new BDictionaryBuilder().Add("length", f.Length).Add("path", f.Components);
                if (f.IsPadding) entry.Add("attr", "p");
                return (BValue)entry.Build();
            })));
        else
            info.Add("length", total);
    }

    private sealed record SourceFile(string FullPath, string[] Components, long Length, bool IsPadding = false);

    /// <summary>BEP 47/52: a padding file after every file but the last that does not end on a piece boundary.</summary>
    private static (List<SourceFile> Files, long Total) WithPadding(List<SourceFile> files, int pieceLength)
    {
        var result = new List<SourceFile>(files.Count * 2);
        long offset = 0;
        for (var i = 0; i < files.Count; i++)
        {
            result.Add(files[i]);
            offset += files[i].Length;
            if (i == files.Count - 1 || offset % pieceLength == 0) continue;
            var gap = pieceLength - offset % pieceLength;
            result.Add(new SourceFile("", [".pad", gap.ToString(System.Globalization.CultureInfo.InvariantCulture)], gap, IsPadding: true));
            offset += gap;
        }
        return (result, offset);
    }

    private static List<SourceFile> ListFiles(string directory)
    {
        var result = new List<SourceFile>();
        var enumeration = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = FileAttributes.ReparsePoint, // symlinks: never follow, never include
            IgnoreInaccessible = false,
            ReturnSpecialDirectories = false,
        };
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*", enumeration))
        {
            var relative = Path.GetRelativePath(directory, file.FullName);
            result.Add(new SourceFile(file.FullName, relative.Split(Path.DirectorySeparatorChar), file.Length));
        }
        result.Sort(static (a, b) => CompareComponents(a.Components, b.Components));
        return result;
    }

    private static int CompareComponents(string[] a, string[] b)
    {
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var c = string.CompareOrdinal(a[i], b[i]);
            if (c != 0) return c;
        }
        return a.Length.CompareTo(b.Length);
    }

    private static byte[] HashPieces(List<SourceFile> files, long total, int pieceLength, int parallelism, CancellationToken ct)
    {
        var pieceCount = (int)((total + pieceLength - 1) / pieceLength);
        var hashes = new byte[pieceCount * 20];
        var offsets = new long[files.Count];
        long offset = 0;
        for (var i = 0; i < files.Count; i++)
        {
            offsets[i] = offset;
            offset += files[i].Length;
        }

        var handles = new SafeFileHandle?[files.Count];
        try
        {
            for (var i = 0; i < files.Count; i++)
                if (files[i].Length > 0 && !files[i].IsPadding)
                    handles[i] = File.OpenHandle(files[i].FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);

            Parallel.For(0, pieceCount,
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = ct },
                () => ArrayPool<byte>.Shared.Rent(pieceLength),
                (piece, _, buffer) =>
                {
                    var start = (long)piece * pieceLength;
                    var size = (int)Math.Min(pieceLength, total - start);
                    ReadRange(files, offsets, handles, start, buffer.AsSpan(0, size));
                    SHA1.HashData(buffer.AsSpan(0, size), hashes.AsSpan(piece * 20, 20));
                    return buffer;
                },
                buffer => ArrayPool<byte>.Shared.Return(buffer));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
        finally
        {
            foreach (var h in handles) h?.Dispose();
        }
        return hashes;
    }

    /// <summary>Fills <paramref name="destination"/> with the torrent's bytes from <paramref name="start"/>, across file boundaries.</summary>
    private static void ReadRange(List<SourceFile> files, long[] offsets, SafeFileHandle?[] handles, long start, Span<byte> destination)
    {
        var index = Array.BinarySearch(offsets, start);
        if (index < 0) index = ~index - 1;
        // Several files can share an offset (empty files): move to the last one starting at or before 'start' that has data.
        while (index < files.Count - 1 && offsets[index + 1] <= start) index++;
        var position = start;
        var written = 0;
        while (written < destination.Length)
        {
            var file = files[index];
            var within = position - offsets[index];
            var want = (int)Math.Min(destination.Length - written, file.Length - within);
            if (want > 0 && file.IsPadding)
            {
                destination.Slice(written, want).Clear();
                written += want;
                position += want;
            }
            else if (want > 0)
            {
                var got = 0;
                while (got < want)
                {
                    var n = RandomAccess.Read(handles[index]!, destination.Slice(written + got, want - got), within + got);
                    if (n == 0)
                        throw new IOException($"'{file.FullPath}' became shorter while it was being hashed");
                    got += n;
                }
                written += want;
                position += want;
            }
            index++;
        }
    }
}
