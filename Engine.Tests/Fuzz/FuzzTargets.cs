using System.Net;
using System.Text;
using Engine.Core.Bencode;
using Engine.Core.Buffers;
using Engine.Core.Dht;
using Engine.Core.Extensions;
using Engine.Core.Lsd;
using Engine.Core.Merkle;
using Engine.Core.Metadata;
using Engine.Core.Metainfo;
using Engine.Core.Pex;
using Engine.Core.Primitives;
using Engine.Core.Storage;
using Engine.Core.Trackers;
using Engine.Core.Wire;
using Engine.Sharing;
using Engine.Tests.Support;
using Engine.TrackerServer;

namespace Engine.Tests.Fuzz;

/// <summary>
/// Every codec that reads bytes from the outside, as a fuzzing target, with its oracles: bencode must re-encode to the
/// very bytes it accepted (the strict decoder takes canonical input only); a parsed .torrent's file paths never leave
/// the download directory; a handshake re-encodes to itself; the frame decoder gives the same messages whatever way
/// the bytes are split, and every block it hands out goes back to its pool; nothing else may throw but the codec's
/// documented rejection.
/// </summary>
internal static partial class FuzzTargets
{
    private static readonly InfoHash Hash = InfoHash.FromHex("0123456789abcdef0123456789abcdef01234567");
    private static readonly PeerId Peer = PeerId.FromBytes("-TS0001-fuzzfuzzfuzz"u8);
    private static readonly TorrentLayout Layout = new(10 * 32 * 1024 + 1000, 32 * 1024);

    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("bencode", Bencode, [typeof(BencodeException)], BencodeSeeds),
        new("bencode-lenient", input => BencodeReader.Decode(input, BencodeOptions.Metainfo).GetType().Name, [typeof(BencodeException)], BencodeSeeds),
        new("metainfo", Metainfo, [typeof(MetainfoException), typeof(BencodeException)], () => []),
        new("magnet", input => Magnet(input), [typeof(MagnetException)], MagnetSeeds),
        new("handshake", HandshakeRoundTrip, [], () => [new Handshake(Hash, Peer, true, true).ToArray()]),
        new("frames", Frames, [], FrameSeeds),
        new("extension-handshake", input => ExtensionHandshake.Decode(input).Extensions.Count.ToString(), [typeof(ExtensionException), typeof(BencodeException)], ExtensionSeeds),
        new("ut_metadata", input => MetadataCodec.Decode(input).GetType().Name, [typeof(ExtensionException), typeof(BencodeException)], MetadataSeeds),
        new("resume", input => ResumeState.TryDecode(input) is null ? "none" : "state", [], ResumeSeeds),
        new("http-announce-response", input => HttpTrackerCodec.ParseAnnounceResponse(input).IsFailure ? "failure" : "peers", [typeof(TrackerException)], AnnounceResponseSeeds),
        new("http-scrape-response", input => HttpTrackerCodec.ParseScrapeResponse(input).GetType().Name, [typeof(TrackerException)], ScrapeResponseSeeds),
        new("udp-tracker-response", UdpResponse, [typeof(TrackerException)], UdpResponseSeeds),
        new("udp-tracker-request", input => UdpTrackerCodec.TryReadRequest(input, out var r) ? r?.GetType().Name ?? "null" : "dropped", [], UdpRequestSeeds),
        new("tracker-query", TrackerQueryParse, [], QuerySeeds),
        new("http-request-head", input => HttpRequestHead.TryParse(input, out _, out var status, out _) ? "ok" : status.ToString(), [], HeadSeeds),
        new("catalog-json", input => CatalogReader.ReadCatalog(input).Count > 0 ? "items" : "empty", [typeof(ShareException), typeof(FormatException)], CatalogSeeds),
        new("krpc", Krpc, [typeof(KrpcException)], () => new Core.Dht.KrpcMutator(new Random(1)).Seeds),
        new("ut_pex", Pex, [], PexSeeds),
        new("lsd", Lsd, [], LsdSeeds),
        new("utp", Utp, [], UtpSeeds),
        new("hash-request", HashRequestAnswer, [], HashRequestSeeds),
    ];

    public static FuzzTarget Named(string name) => All.Single(t => t.Name == name);

    // ---- oracles ------------------------------------------------------------------------------------

    /// <summary>A KRPC message decoded from a packet encodes to one that decodes to the same kind of message.</summary>
    private static string Krpc(byte[] input)
    {
        var message = KrpcCodec.Decode(input);
        var again = KrpcCodec.Decode(KrpcCodec.Encode(message));
        if (again.GetType() != message.GetType()) throw new InvalidOperationException($"a {message.GetType().Name} re-encodes as a {again.GetType().Name}");
        return message.GetType().Name;
    }

    /// <summary>A ut_pex message decodes to at most <see cref="PexMessage.MaxPeers"/> each way, and re-encodes to the same peers.</summary>
    private static string Pex(byte[] input)
    {
        if (PexMessage.TryDecode(input) is not { } m) return "dropped";
        if (m.Added.Count > PexMessage.MaxPeers || m.Dropped.Count > PexMessage.MaxPeers) throw new InvalidOperationException($"{m.Added.Count} added, {m.Dropped.Count} dropped: over the bound");
        var again = PexMessage.TryDecode(m.Encode()) ?? throw new InvalidOperationException("a decoded ut_pex message does not decode again");
        if (!again.Added.Select(p => p.EndPoint).SequenceEqual(m.Added.Select(p => p.EndPoint))) throw new InvalidOperationException("the added peers change in a round trip");
        return m.Added.Count > 0 ? "added" : m.Dropped.Count > 0 ? "dropped-only" : "empty";
    }

    /// <summary>An LSD announce names a port and 1..<see cref="LsdAnnounce.MaxInfoHashes"/> info-hashes, or is dropped.</summary>
    private static string Lsd(byte[] input)
    {
        if (LsdAnnounce.TryParse(input) is not { } a) return "dropped";
        if (a.InfoHashes.Count is 0 or > LsdAnnounce.MaxInfoHashes || a.Port is < 1 or > 65535)
            throw new InvalidOperationException($"accepted port {a.Port} with {a.InfoHashes.Count} info-hashes");
        return a.Cookie is null ? "announce" : "announce+cookie";
    }

    private static IEnumerable<byte[]> PexSeeds() =>
    [
        new PexMessage([new PexPeer(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 6881), PexFlags.Reachable), new PexPeer(new IPEndPoint(IPAddress.IPv6Loopback, 7000))],
            [new IPEndPoint(IPAddress.Parse("10.0.0.2"), 6882)]).Encode(),
    ];

    private static IEnumerable<byte[]> LsdSeeds() =>
    [
        new LsdAnnounce(6881, [Hash], "cookie1").Encode(v6: false),
        new LsdAnnounce(51413, [Hash, InfoHash.FromHex("89abcdef0123456789abcdef0123456789abcdef")], null).Encode(v6: true),
    ];

    private static string Bencode(byte[] input)
    {
        var value = BencodeReader.Decode(input);
        var again = BencodeWriter.Encode(value);
        if (!again.AsSpan().SequenceEqual(input)) throw new InvalidOperationException("a strictly decoded value re-encodes to other bytes");
        return value.GetType().Name;
    }

    private static string Metainfo(byte[] input)
    {
        var t = TorrentMetainfo.Parse(input);
        long offset = 0;
        foreach (var f in t.Files)
        {
            if (f.Offset != offset) throw new InvalidOperationException($"file {f.Path} starts at {f.Offset}, expected {offset}");
            offset += f.Length;
            if (f.Path.StartsWith('/') || f.PathComponents.Any(c => c is "" or "." or ".." || c.Contains('/') || c.Contains('\\') || c.Contains('\0')))
                throw new InvalidOperationException($"file path '{f.Path}' could leave the download directory");
        }
        if (offset != t.TotalLength) throw new InvalidOperationException($"files hold {offset} bytes, the torrent {t.TotalLength}");
        if (t.Layout.PieceCount != t.PieceCount) throw new InvalidOperationException("layout and piece count disagree");
        if (t.Merkle is { } merkle && merkle.PieceCount != t.PieceCount) throw new InvalidOperationException("merkle pieces and layout disagree");
        return $"{t.Files.Count switch { 1 => "one", < 10 => "few", _ => "many" }}";
    }

    private static string Magnet(byte[] input)
    {
        var m = MagnetLink.Parse(Encoding.Latin1.GetString(input));
        return m.Trackers.Count > 0 ? "trackers" : "bare";
    }

    private static string HandshakeRoundTrip(byte[] input)
    {
        if (!Handshake.TryParse(input, out var hs, out _)) return "refused";
        var again = hs.ToArray();
        if (!again.AsSpan().SequenceEqual(input.AsSpan(0, Handshake.Length))) throw new InvalidOperationException("a parsed handshake re-encodes to other bytes");
        return "ok";
    }

    /// <summary>Decodes all at once and in random splits: the same messages (or violation) both ways, and no block leaks.</summary>
    private static string Frames(byte[] input)
    {
        var pool = new BlockPool(16);
        (string Exact, string Kind) Decode(int split)
        {
            using var decoder = new FrameDecoder(pool, 64 * 1024);
            var messages = new List<PeerMessage>();
            ProtocolViolation? violation = null;
            var random = new Random(split);
            for (var at = 0; at < input.Length && violation is null;)
            {
                var n = split == 0 ? input.Length : Math.Min(input.Length - at, 1 + random.Next(split));
                violation = decoder.Feed(input.AsSpan(at, n), messages);
                at += n;
            }
            var exact = new StringBuilder();
            var verdicts = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var m in messages)
            {
                var verdict = MessageValidator.Validate(m, Layout);
                exact.Append(m.GetType().Name).Append(verdict?.Kind.ToString()).Append(',');
                if (verdict is not null) verdicts.Add(verdict.Kind.ToString());
                if (m is PieceMessage p) p.Data.Release();
            }
            exact.Append(violation?.Kind.ToString());
            // The outcome's kind: the decoder's and the validator's verdicts, and roughly how many messages came.
            var count = messages.Count switch { 0 => "none", 1 => "one", < 5 => "few", _ => "many" };
            return (exact.ToString(), $"{count}:{violation?.Kind}:{string.Join(",", verdicts)}");
        }
        var whole = Decode(0);
        var split = Decode(7);
        if (whole.Exact != split.Exact) throw new InvalidOperationException($"split decoding differs: {whole.Exact} / {split.Exact}");
        if (pool.Outstanding != 0) throw new InvalidOperationException($"{pool.Outstanding} blocks not given back to the pool");
        return whole.Kind;
    }

    private static string UdpResponse(byte[] input)
    {
        var kinds = new List<string>();
        foreach (var action in new[] { UdpAction.Connect, UdpAction.Announce, UdpAction.Scrape })
        {
            try { kinds.Add(UdpTrackerCodec.ReadResponse(input, action, 0x01020304, IpFamily.V4).GetType().Name); }
            catch (TrackerException) { kinds.Add("x"); }
        }
        return string.Join(",", kinds);
    }

    private static string TrackerQueryParse(byte[] input)
    {
        var query = Encoding.Latin1.GetString(input);
        var announce = TrackerQuery.TryParseAnnounce(query, out _, out _);
        var scrape = TrackerQuery.TryParseScrape(query, out _, out _);
        return $"{announce},{scrape}";
    }

    // ---- seeds --------------------------------------------------------------------------------------

    private static IEnumerable<byte[]> BencodeSeeds() =>
    [
        "i42e"u8.ToArray(), "i-7e"u8.ToArray(), "4:spam"u8.ToArray(), "le"u8.ToArray(), "de"u8.ToArray(),
        "l4:spami42ee"u8.ToArray(), "d3:cow3:moo4:spaml1:a1:bee"u8.ToArray(),
        new BDictionaryBuilder().Add("announce", "http://t/announce").Add("info", new BDictionaryBuilder().Add("length", 5).Add("name", "x")).ToArray(),
    ];

    private static IEnumerable<byte[]> MagnetSeeds() =>
    [
        Encoding.ASCII.GetBytes("magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=name&tr=http%3A%2F%2Ft%2Fannounce&x.pe=10.0.0.1:6881"),
        Encoding.ASCII.GetBytes("magnet:?xt=urn:btih:AERUKZ4JVPG66AJDIVTYTK6N54ASGRTH&x.pe=[::1]:6881"),
    ];

    /// <summary>48 bytes as a hash request against a 5-piece file of 64 KiB pieces: rejected, or answered with its hashes and uncles only.</summary>
    private static string HashRequestAnswer(byte[] input)
    {
        if (input.Length < HashRange.WireLength) return "short";
        var range = HashRange.Read(input);
        if (input[0] == 0x5a) range = range with { Root = MerkleFile5.Root };      // often ask for the real file
        var answer = HashAnswer.Answer(MerkleFile5.Pieces, range);
        if (answer is null) return "rejected";
        if (answer.Length % 32 != 0 || answer.Length < range.Length * 32 || answer.Length > (range.Length + 3) * 32)
            throw new InvalidOperationException($"{answer.Length} bytes answer {range}");
        return "answered";
    }

    private static class MerkleFile5
    {
        public static readonly byte[] Root;
        public static readonly MerklePieces Pieces;

        static MerkleFile5()
        {
            var data = new byte[5 * 65536 - 100];
            new Random(5).NextBytes(data);
            var (root, layer) = MerkleTree.OfFile(data, 65536);
            Root = root;
            Pieces = new MerklePieces([new MerkleFile(data.Length, root, layer!)], 65536);
        }
    }

    private static IEnumerable<byte[]> HashRequestSeeds()
    {
        foreach (var (index, length, proof) in new[] { (0, 8, 0), (4, 2, 2), (4, 1, 2), (1, 2, 0), (0, 512, 9) })
        {
            var body = new byte[HashRange.WireLength];
            new HashRange(MerkleFile5.Root, 2, index, length, proof).Write(body);
            body[0] = 0x5a;
            yield return body;
        }
    }

    private static IEnumerable<byte[]> FrameSeeds()
    {
        PeerMessage[] messages =
        [
            KeepAlive.Instance, Choke.Instance, Unchoke.Instance, Interested.Instance, NotInterested.Instance, HaveAll.Instance, HaveNone.Instance,
            new Have(3), new Suggest(1), new AllowedFast(2), new Port(6881), new Request(1, 16384, 16384), new Cancel(1, 0, 16384),
            new Reject(2, 0, 16384), new BitfieldMessage([0xFF, 0xC0]), new Extended(0, "d1:md11:ut_metadatai1eee"u8.ToArray()),
            new HashRequest(new HashRange(new byte[32], 1, 0, 4, 2)), new HashReject(new HashRange(new byte[32], 0, 2, 2, 0)),
            new Hashes(new HashRange(new byte[32], 1, 0, 2, 1), new byte[96]),
        ];
        var all = new List<byte>();
        foreach (var m in messages)
        {
            var bytes = MessageWriter.Encode(m);
            all.AddRange(bytes);
            yield return bytes;
        }
        var piece = new byte[13 + 100];
        piece[3] = 109;
        piece[4] = (byte)MessageId.Piece;
        piece[8] = 1;
        yield return piece;
        yield return [.. all, .. piece];
    }

    private static IEnumerable<byte[]> ExtensionSeeds() =>
    [
        new ExtensionHandshake(new Dictionary<string, int> { ["ut_metadata"] = 1, ["ut_pex"] = 2 }, MetadataSize: 1234, ListenPort: 6881, Client: "x", RequestQueue: 250).Encode(),
    ];

    private static IEnumerable<byte[]> MetadataSeeds() =>
    [
        MetadataCodec.EncodeRequest(0), MetadataCodec.EncodeReject(1), MetadataCodec.EncodeData(0, 100, new byte[100]),
    ];

    private static IEnumerable<byte[]> ResumeSeeds() =>
    [
        new ResumeState(Hash, 10, [0xFF, 0xC0], [(1000, 638000000000000000), (-1, 0)]).Encode(),
    ];

    private static IEnumerable<byte[]> AnnounceResponseSeeds() =>
    [
        new BDictionaryBuilder().Add("interval", 1800).Add("peers", new byte[] { 10, 0, 0, 1, 0x1A, 0xE1 }).Add("complete", 1).ToArray(),
        new BDictionaryBuilder().Add("failure reason", "nope").ToArray(),
        "d8:intervali900e5:peersld2:ip8:10.0.0.17:peer id20:-TS0001-fuzzfuzzfuzz4:porti6881eeee"u8.ToArray(),
    ];

    private static IEnumerable<byte[]> ScrapeResponseSeeds() =>
    [
        Encoding.Latin1.GetBytes("d5:filesd20:" + Encoding.Latin1.GetString(Hash.ToArray()) + "d8:completei1e10:downloadedi2e10:incompletei3eeee"),
    ];

    private static IEnumerable<byte[]> UdpResponseSeeds()
    {
        var buffer = new byte[1500];
        var n = UdpTrackerCodec.WriteConnectResponse(buffer, 0x01020304, 42);
        yield return buffer[..n];
        n = UdpTrackerCodec.WriteAnnounceResponse(buffer, 0x01020304, TimeSpan.FromMinutes(30), 1, 2, [new IPEndPoint(IPAddress.Parse("10.0.0.1"), 6881)], IpFamily.V4);
        yield return buffer[..n];
        n = UdpTrackerCodec.WriteScrapeResponse(buffer, 0x01020304, [new ScrapeStats(1, 2, 3, null)]);
        yield return buffer[..n];
        n = UdpTrackerCodec.WriteError(buffer, 0x01020304, "bad");
        yield return buffer[..n];
    }

    private static IEnumerable<byte[]> UdpRequestSeeds()
    {
        var buffer = new byte[1500];
        var n = UdpTrackerCodec.WriteConnectRequest(buffer, 7);
        yield return buffer[..n];
        n = UdpTrackerCodec.WriteAnnounceRequest(buffer, 42, 7, new AnnounceRequest(Hash, Peer, 6881, 0, 0, 100, AnnounceEvent.Started));
        yield return buffer[..n];
        n = UdpTrackerCodec.WriteScrapeRequest(buffer, 42, 7, [Hash]);
        yield return buffer[..n];
    }

    private static IEnumerable<byte[]> QuerySeeds() =>
    [
        Encoding.ASCII.GetBytes("info_hash=%01%23Eg%89%AB%CD%EF%01%23Eg%89%AB%CD%EF%01%23Eg&peer_id=-TS0001-fuzzfuzzfuzz&port=6881&uploaded=0&downloaded=0&left=10&compact=1&event=started&numwant=50"),
        Encoding.ASCII.GetBytes("info_hash=%01%23Eg%89%AB%CD%EF%01%23Eg%89%AB%CD%EF%01%23Eg&info_hash=aaaaaaaaaaaaaaaaaaaa"),
    ];

    private static IEnumerable<byte[]> HeadSeeds() =>
    [
        "GET /announce?x=1 HTTP/1.1\r\nHost: t\r\nConnection: keep-alive"u8.ToArray(),
        "POST /publish HTTP/1.1\r\nContent-Length: 100\r\nAuthorization: Bearer abc"u8.ToArray(),
    ];

    private static IEnumerable<byte[]> CatalogSeeds() =>
    [
        """{"torrentCount":1,"peerCount":2,"torrents":[{"infoHash":"0123456789abcdef0123456789abcdef01234567","name":"a","size":10,"seeders":1,"leechers":1,"completed":0,"published":true}]}"""u8.ToArray(),
    ];

    /// <summary>
    /// The inputs a run starts from: the target's built-in seeds, the corpus kept in the repo
    /// (Engine.Tests/Fuzz/Corpus/&lt;target&gt;/), and for .torrent parsing the shared corpus of real and malformed files.
    /// </summary>
    public static IReadOnlyList<byte[]> Corpus(FuzzTarget target)
    {
        var inputs = new List<byte[]>(target.Seeds());
        var kept = CorpusDirectory(target);
        if (Directory.Exists(kept))
            foreach (var file in Directory.GetFiles(kept).Order(StringComparer.Ordinal)) inputs.Add(File.ReadAllBytes(file));
        if (target.Name == "metainfo" && Directory.Exists(RepoPaths.Corpus))
            foreach (var file in Directory.GetFiles(RepoPaths.Corpus, "*.torrent").Order(StringComparer.Ordinal)) inputs.Add(File.ReadAllBytes(file));
        return inputs;
    }

    public static string CorpusDirectory(FuzzTarget target) => Path.Combine(RepoPaths.Root, "Engine.Tests", "Fuzz", "Corpus", target.Name);
}
