using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using Engine.Core.Primitives;

namespace Engine.Tests.Interop;

/// <summary>A .torrent made by an independent tool, with its info-hash computed from the file's own bytes.</summary>
public sealed record TestTorrent(string TorrentPath, string InfoHashHex, string Name, int PieceLength, long TotalLength)
{
    public InfoHash InfoHash => InfoHash.FromHex(InfoHashHex);
}

/// <summary>
/// Makes .torrent files with mktorrent or python libtorrent, never with our engine's creator: the tests need
/// independent ground truth.
/// </summary>
public static class TorrentFactory
{
    /// <summary>mktorrent 1.1 takes piece lengths 2^15 .. 2^28 only.</summary>
    public const int MkTorrentMinPieceLength = 32 * 1024;
    public const int MkTorrentMaxPieceLength = 256 * 1024 * 1024;

    /// <summary>
    /// Makes a v1 .torrent of <paramref name="dataPath"/> (a file or a directory) announcing to <paramref name="announceUrl"/>.
    /// Powers of two from 32 KiB to 256 MiB go through <c>mktorrent -d -l n</c>; other multiples of 16 KiB
    /// (e.g. 16 KiB, 48 KiB) through python libtorrent's create_torrent with v1_only (mktorrent cannot express them).
    /// The .torrent goes to <paramref name="outputPath"/> (default: beside the data, named data + ".torrent").
    /// </summary>
    public static TestTorrent Create(string dataPath, string announceUrl, int pieceLength, string? outputPath = null)
        => Create(dataPath, [announceUrl], pieceLength, outputPath);

    /// <summary>
    /// Seed data and its torrent in one step, as most tests prepare them: <paramref name="fileCount"/> files of
    /// <paramref name="bytes"/> in all under <c>dir/seed/name</c> (contents seeded by the name's length unless
    /// <paramref name="contentSeed"/> says otherwise) and the torrent at <c>dir/name.torrent</c>.
    /// </summary>
    public static TestTorrent CreateSeeded(TempDir dir, string name, long bytes, int fileCount = 2, int pieceLength = 64 * 1024,
        string announceUrl = "http://127.0.0.1:9/announce", int? contentSeed = null)
    {
        var data = TestData.CreateTree(dir.Sub("seed"), name, bytes, contentSeed ?? name.Length, fileCount);
        return Create(data.Root, announceUrl, pieceLength, Path.Combine(dir.FullPath, name + ".torrent"));
    }

    /// <summary>
    /// As <see cref="CreateSeeded"/>, but a BEP 52 hybrid (v1 + v2, BEP 47 padding files between the files) made by
    /// python libtorrent's create_torrent with its default flags; <see cref="TestTorrent.InfoHashHex"/> is the v1 hash.
    /// </summary>
    public static TestTorrent CreateSeededHybrid(TempDir dir, string name, long bytes, int fileCount, int pieceLength, string? announceUrl = null)
    {
        var data = TestData.CreateTree(dir.Sub("seed"), name, bytes, name.Length, fileCount);
        var output = Path.Combine(dir.FullPath, name + ".torrent");
        return CreateWithLibtorrent(data.Root, output, pieceLength, LibtorrentFormat.Hybrid, announceUrl);
    }

    /// <summary>As <see cref="CreateSeededHybrid"/>, but a single-file hybrid: the file <paramref name="name"/> in <c>dir/seed</c>.</summary>
    public static TestTorrent CreateSeededHybridFile(TempDir dir, string name, long bytes, int pieceLength)
    {
        var file = Path.Combine(dir.Sub("seed"), name);
        TestData.WriteFile(file, bytes, (ulong)name.Length);
        return CreateWithLibtorrent(file, Path.Combine(dir.FullPath, name + ".torrent"), pieceLength, LibtorrentFormat.Hybrid);
    }

    /// <summary>
    /// A BEP 52 v2-only .torrent (file tree and piece layers, no v1 part) of <paramref name="dataPath"/>, made by
    /// python libtorrent's create_torrent with <c>v2_only</c>; <see cref="TestTorrent.InfoHashHex"/> is the v2 hash
    /// truncated to 20 bytes (the wire's), <see cref="TestTorrent.TotalLength"/> the files' bytes without padding.
    /// </summary>
    public static TestTorrent CreateV2Only(string dataPath, string outputPath, int pieceLength) =>
        CreateWithLibtorrent(dataPath, outputPath, pieceLength, LibtorrentFormat.V2Only);

    private static TestTorrent CreateWithLibtorrent(string dataPath, string output, int pieceLength, LibtorrentFormat format, string? announceUrl = null)
    {
        var spec = LibtorrentSpec(Path.GetFullPath(dataPath), [announceUrl ?? "http://127.0.0.1:9/announce"], pieceLength, output, format);
        using var p = ExternalProcess.Start(spec);
        if (p.WaitForExitAsync(TimeSpan.FromMinutes(3)).GetAwaiter().GetResult() != 0 || !File.Exists(output))
            throw new InvalidOperationException($"{spec.DisplayName} failed to make a {format} torrent.\n{p.Describe()}");
        return Read(output);
    }

    private enum LibtorrentFormat { V1Only = 1, Hybrid = 0, V2Only = 2 }

    /// <summary>
    /// As <see cref="Create(string,string,int,string?)"/> with one tracker tier per URL, and the web seeds (BEP 19
    /// <c>url-list</c>, mktorrent's <c>-w</c>: power-of-two piece lengths only) <paramref name="webSeeds"/> names.
    /// </summary>
    public static TestTorrent Create(string dataPath, IReadOnlyList<string> announceUrls, int pieceLength, string? outputPath = null,
        IReadOnlyList<string>? webSeeds = null)
    {
        if (announceUrls.Count == 0) throw new ArgumentException("at least one announce URL is needed", nameof(announceUrls));
        if (pieceLength < 16 * 1024 || pieceLength % (16 * 1024) != 0 || pieceLength > MkTorrentMaxPieceLength)
            throw new ArgumentOutOfRangeException(nameof(pieceLength), pieceLength, "a piece length must be a multiple of 16 KiB, at most 256 MiB");
        var full = Path.GetFullPath(dataPath.TrimEnd(Path.DirectorySeparatorChar));
        if (!File.Exists(full) && !Directory.Exists(full))
            throw new FileNotFoundException($"nothing to make a torrent of at {full}");
        outputPath = Path.GetFullPath(outputPath ?? full + ".torrent");
        if (File.Exists(outputPath)) File.Delete(outputPath); // mktorrent refuses to overwrite

        var useMkTorrent = BitOperations.IsPow2(pieceLength) && pieceLength >= MkTorrentMinPieceLength;
        if (webSeeds is { Count: > 0 } && !useMkTorrent) throw new ArgumentException("web seeds need a power-of-two piece length (mktorrent)", nameof(webSeeds));
        var spec = useMkTorrent ? MkTorrentSpec(full, announceUrls, pieceLength, outputPath, webSeeds ?? []) : LibtorrentSpec(full, announceUrls, pieceLength, outputPath);
        using var p = ExternalProcess.Start(spec);
        var code = p.WaitForExitAsync(TimeSpan.FromMinutes(3)).GetAwaiter().GetResult();
        if (code != 0 || !File.Exists(outputPath))
            throw new InvalidOperationException($"{spec.DisplayName} failed to make a torrent (exit {code}).\n{p.Describe()}");
        return Read(outputPath);
    }

    private static ProcessSpec MkTorrentSpec(string full, IReadOnlyList<string> announceUrls, int pieceLength, string outputPath, IReadOnlyList<string> webSeeds)
    {
        var args = new List<string> { "-d", "-t", "2", "-l", BitOperations.Log2((uint)pieceLength).ToString(CultureInfo.InvariantCulture) };
        foreach (var url in announceUrls) { args.Add("-a"); args.Add(url); }
        if (webSeeds.Count > 0) { args.Add("-w"); args.Add(string.Join(',', webSeeds)); }
        args.Add("-o"); args.Add(outputPath);
        args.Add(full);
        return new ProcessSpec(RequiredPrograms.MkTorrent, args) { WorkingDirectory = Path.GetDirectoryName(full), MaxLifetime = TimeSpan.FromMinutes(5) };
    }

    private static ProcessSpec LibtorrentSpec(string full, IReadOnlyList<string> announceUrls, int pieceLength, string outputPath,
        LibtorrentFormat format = LibtorrentFormat.V1Only)
    {
        _ = RequiredPrograms.LibtorrentVersion;
        const string script = """
            import sys, os, libtorrent as lt
            src, out, piece, flags = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
            fs = lt.file_storage()
            lt.add_files(fs, src)
            t = lt.create_torrent(fs, piece, flags={1: lt.create_torrent.v1_only, 2: lt.create_torrent.v2_only}.get(flags, 0))
            for tier, url in enumerate(sys.argv[5:]):
                t.add_tracker(url, tier)
            lt.set_piece_hashes(t, os.path.dirname(src))
            with open(out, "wb") as f:
                f.write(lt.bencode(t.generate()))
            """;
        var args = new List<string> { "-c", script, full, outputPath, pieceLength.ToString(CultureInfo.InvariantCulture), ((int)format).ToString(CultureInfo.InvariantCulture) };
        args.AddRange(announceUrls);
        return new ProcessSpec(RequiredPrograms.Python, args)
        {
            Name = "python3 libtorrent create_torrent",
            WorkingDirectory = Path.GetDirectoryName(full),
            MaxLifetime = TimeSpan.FromMinutes(5),
            Environment = new Dictionary<string, string?> { ["PYTHONHOME"] = null, ["PYTHONPATH"] = null },
        };
    }

    /// <summary>Reads name, piece length, total length and the v1 info-hash (SHA-1 of the info dictionary's exact bytes).</summary>
    public static TestTorrent Read(string torrentPath)
    {
        var bytes = File.ReadAllBytes(torrentPath);
        if (MiniBencode.Parse(bytes) is not BDictionary root || root["info"] is not BDictionary info)
            throw new FormatException($"{torrentPath} has no info dictionary");
        var infoBytes = bytes.AsSpan(info.Start, info.End - info.Start);
        var v2Only = info["pieces"] is null && info["file tree"] is BDictionary;
        var hash = v2Only ? SHA256.HashData(infoBytes)[..20] : SHA1.HashData(infoBytes);
        var name = (info["name"] as BBytes)?.Text ?? throw new FormatException($"{torrentPath}: info has no name");
        var pieceLength = (info["piece length"] as BInteger)?.Value ?? throw new FormatException($"{torrentPath}: no piece length");
        long total;
        if (v2Only) total = TreeLength((BDictionary)info["file tree"]!);
        else if (info["length"] is BInteger single) total = single.Value;
        else if (info["files"] is BList files)
            total = files.Items.Sum(f => ((f as BDictionary)?["length"] as BInteger)?.Value ?? throw new FormatException($"{torrentPath}: file without length"));
        else throw new FormatException($"{torrentPath}: info has neither length nor files");
        return new TestTorrent(torrentPath, Convert.ToHexStringLower(hash), name, (int)pieceLength, total);
    }

    /// <summary>The bytes of every file of a BEP 52 file tree (a file is the dictionary under the empty key).</summary>
    private static long TreeLength(BDictionary node)
    {
        long total = 0;
        foreach (var (key, child) in node.Entries)
            if (child is BDictionary d)
                total += key.Length == 0 ? (d["length"] as BInteger)?.Value ?? 0 : TreeLength(d);
        return total;
    }
}
