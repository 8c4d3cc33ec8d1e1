using System.Security.Cryptography;
using Engine.Core.Bencode;
using Engine.Core.Merkle;
using Engine.Core.Primitives;

namespace Engine.Core.Metainfo;

/// <summary>
/// A parsed .torrent file: BitTorrent v1, hybrid v1+v2 (its pieces checked through its v1 part) or v2-only
/// (its pieces checked by SHA-256 merkle trees). Immutable. Build one with
/// <see cref="Parse"/> (or <c>TorrentMetainfo.Load(path)</c>, in Engine: Engine.Core reads no files); anything the engine refuses is a <see cref="MetainfoException"/>.
/// </summary>
public sealed class TorrentMetainfo
{
    /// <summary>Largest .torrent file <see cref="Load"/> reads.</summary>
    public const int MaxFileSize = 64 * 1024 * 1024;

    private TorrentMetainfo() { }

    /// <summary>The torrent's name, sanitised (the top directory of multi-file torrents, the file of single-file ones).</summary>
    public string Name { get; private init; } = "";

    /// <summary>
    /// The hash the torrent is known by on the wire (handshake, trackers, DHT): the v1 SHA-1 info-hash,
    /// or for a v2-only torrent its v2 info-hash truncated to 20 bytes (BEP 52).
    /// </summary>
    public InfoHash InfoHash { get; private init; }

    /// <summary>BEP 52 v2 info-hash: the SHA-256 of the info dictionary (32 bytes); empty for a v1-only torrent.</summary>
    public ReadOnlyMemory<byte> InfoHashV2 { get; private init; }

    /// <summary>
    /// The v2 info-hash truncated to 20 bytes, what v2 peers put in their handshake, tracker and DHT requests (BEP 52):
    /// a hybrid's second swarm hash, a v2-only torrent's <see cref="InfoHash"/>; null for a v1-only torrent.
    /// </summary>
    internal InfoHash? V2WireHash => HasV2 ? InfoHash.FromBytes(InfoHashV2.Span[..InfoHash.Length]) : null;

    /// <summary>A hybrid's second swarm: its <see cref="V2WireHash"/>, which differs from <see cref="InfoHash"/>; null otherwise.</summary>
    internal InfoHash? HybridV2Hash => V2WireHash is { } v2 && v2 != InfoHash ? v2 : null;

    /// <summary>True when the torrent has a v2 part (hybrid or v2-only).</summary>
    public bool HasV2 => !InfoHashV2.IsEmpty;

    /// <summary>A BEP 52 torrent with no v1 part: its pieces are aligned to files and checked by SHA-256 merkle trees (no v1 piece hashes).</summary>
    public bool IsV2Only { get; private init; }
    public int PieceLength { get; private init; }
    public int PieceCount => Layout.PieceCount;
    public long TotalLength { get; private init; }

    /// <summary>The concatenated 20-byte SHA-1 hashes of the pieces (empty for a v2-only torrent).</summary>
    public ReadOnlyMemory<byte> PieceHashes { get; private init; }
    internal TorrentLayout Layout { get; private init; } = null!;

    /// <summary>A v2-only torrent's pieces and the merkle hashes they are checked against (null otherwise).</summary>
    internal MerklePieces? Merkle { get; private init; }

    /// <summary>Where BEP 52 hash requests are answered from: a v2-only torrent's <see cref="Merkle"/>, a hybrid's v2 half; null for v1.</summary>
    internal MerklePieces? HashSource { get; private init; }

    /// <summary>Files of a v2-only torrent longer than one piece whose piece layer is not known yet (fetched from peers when it downloads).</summary>
    public int MissingPieceLayers => Merkle?.MissingLayers ?? 0;
    public IReadOnlyList<TorrentFile> Files { get; private init; } = [];
    public bool IsMultiFile { get; private init; }

    public string? Announce { get; private init; }

    /// <summary>BEP 12 tracker tiers; <c>[[announce]]</c> when there is no usable <c>announce-list</c>.</summary>
    public IReadOnlyList<IReadOnlyList<string>> AnnounceTiers { get; private init; } = [];

    /// <summary>BEP 19 web seeds (<c>url-list</c>).</summary>
    public IReadOnlyList<string> UrlList { get; private init; } = [];

    /// <summary>BEP 17 HTTP seeds (<c>httpseeds</c>).</summary>
    public IReadOnlyList<string> HttpSeeds { get; private init; } = [];
    public bool IsPrivate { get; private init; }
    public DateTimeOffset? CreationDate { get; private init; }
    public string? Comment { get; private init; }
    public string? CreatedBy { get; private init; }

    /// <summary>A BEP 52 hybrid: its v2 half is checked for consistency, its pieces by their v1 hashes; it is met on both info-hashes.</summary>
    public bool IsHybrid { get; private init; }

    /// <summary>The info dictionary's bytes exactly as in the file (what the info-hash is computed from).</summary>
    public ReadOnlyMemory<byte> RawInfo { get; private init; }

    /// <summary>Every tracker URL of every tier, in order.</summary>
    public IEnumerable<string> Trackers => AnnounceTiers.SelectMany(t => t);

    public ReadOnlySpan<byte> GetPieceHash(int piece)
    {
        if ((uint)piece >= (uint)PieceCount)
            throw new ArgumentOutOfRangeException(nameof(piece), $"piece {piece} is not in 0..{PieceCount - 1}");
        return PieceHashes.Span.Slice(piece * 20, 20);
    }

    public static TorrentMetainfo Parse(ReadOnlyMemory<byte> data)
    {
        BValue decoded;
        try
        {
            decoded = BencodeReader.DecodePrefix(data, out var consumed, BencodeOptions.Metainfo);
            // Files saved through text tools sometimes gain a final newline; other trailing bytes are refused.
            var rest = data.Span[consumed..];
            if (rest.TrimStart(" \t\r\n"u8).Length != 0)
                throw new BencodeException(consumed, $"trailing data: {rest.Length} byte(s) after the end of the value");
        }
        catch (BencodeException e)
        {
            throw new MetainfoException($"not a valid .torrent file: {e.Message}", e);
        }
        if (decoded is not BDictionary root)
            throw new MetainfoException($"not a valid .torrent file: expected a dictionary at the top level, found a {Kind(decoded)}");
        if (root["info"] is not BDictionary info)
            throw new MetainfoException("missing or invalid 'info' dictionary");

        var rawInfo = data.Slice(info.Start, info.End - info.Start);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(rawInfo.Span, hash);
        var infoHash = InfoHash.FromBytes(hash);

        var parsed = InfoDictionaryParser.Parse(info, root["piece layers"], infoHash.ToHex());
        var v2 = parsed.IsHybrid || parsed.IsV2Only ? SHA256.HashData(rawInfo.Span) : [];
        if (parsed.IsV2Only) infoHash = InfoHash.FromBytes(v2.AsSpan(0, 20));
        var announce = UrlLists.Url(root["announce"]);
        return new TorrentMetainfo
        {
            Name = parsed.Name,
            InfoHash = infoHash,
            InfoHashV2 = v2,
            IsV2Only = parsed.IsV2Only,
            Merkle = parsed.Merkle,
            HashSource = parsed.Merkle ?? parsed.HybridHashes,
            PieceLength = parsed.PieceLength,
            TotalLength = parsed.TotalLength,
            PieceHashes = parsed.PieceHashes,
            Layout = new TorrentLayout(parsed.TotalLength, parsed.PieceLength),
            Files = parsed.Files,
            IsMultiFile = parsed.IsMultiFile,
            IsPrivate = parsed.IsPrivate,
            IsHybrid = parsed.IsHybrid,
            RawInfo = rawInfo,
            Announce = announce,
            AnnounceTiers = UrlLists.Tiers(root["announce-list"], announce),
            UrlList = UrlLists.StringOrList(root["url-list"]),
            HttpSeeds = UrlLists.StringOrList(root["httpseeds"]),
            CreationDate = root["creation date"] is BInteger { Value: >= 0 and <= 253402300799 } date
                ? DateTimeOffset.FromUnixTimeSeconds(date.Value)
                : null,
            Comment = (root["comment.utf-8"] as BString ?? root["comment"] as BString)?.Text,
            CreatedBy = (root["created by"] as BString)?.Text,
        };
    }

    private static string Kind(BValue value) => value switch
    {
        BInteger => "integer",
        BString => "byte string",
        BList => "list",
        _ => "dictionary",
    };
}
