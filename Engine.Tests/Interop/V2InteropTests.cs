using System.Net;
using Engine.Api;
using Engine.Core.Metainfo;
using Engine.Events;
using Engine.Metainfo;
using Engine.Tests.Api;
using Engine.Tests.Metainfo;
using Xunit.Abstractions;

namespace Engine.Tests.Interop;

/// <summary>
/// BEP 52 v2-only torrents made by python3-libtorrent (file tree and piece layers, no v1 part): the swarm is met on
/// the truncated v2 info-hash and every piece is checked by its merkle hash, so a byte-exact transfer both ways
/// proves the handshake, the per-file piece numbering (pieces aligned to files, padding after each) and the
/// verification of the three kinds of file: smaller than a piece, exactly one, and many with a short last piece.
/// </summary>
[Trait("Category", "Interop")]
public sealed class V2InteropTests(ITestOutputHelper output) : IDisposable
{
    private const int PieceLength = 64 * 1024;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly TempDir _dir = new("v2only");

    public void Dispose() => _dir.Dispose();

    public static TheoryData<int> PieceLengths => new() { PieceLength, 16 * 1024, 256 * 1024 };

    /// <summary>Files of odd sizes: many pieces with a short last one, one smaller than a piece, one exactly a piece, an empty one, a tiny one.</summary>
    private TestTorrent V2Only(string name, int pieceLength = PieceLength)
    {
        var root = Path.Combine(_dir.Sub("seed"), name);
        Directory.CreateDirectory(Path.Combine(root, "sub"));
        TestData.WriteFile(Path.Combine(root, "big.bin"), 3 * 1024 * 1024 + 12_345, 1);
        TestData.WriteFile(Path.Combine(root, "small.bin"), 5_000, 2);
        TestData.WriteFile(Path.Combine(root, "sub", "one-piece.bin"), pieceLength, 3);
        TestData.WriteFile(Path.Combine(root, "sub", "odd.bin"), 200_001, 4);
        TestData.WriteFile(Path.Combine(root, "tiny.bin"), 100, 5);
        File.WriteAllBytes(Path.Combine(root, "empty.bin"), []);
        var torrent = TorrentFactory.CreateV2Only(root, Path.Combine(_dir.FullPath, name + ".torrent"), pieceLength);
        var meta = TorrentMetainfo.Load(torrent.TorrentPath);
        Assert.True(meta.IsV2Only);
        Assert.Equal(torrent.InfoHashHex, meta.InfoHash.ToHex());
        return torrent;
    }

    [Theory]
    [MemberData(nameof(PieceLengths))]
    public async Task We_download_a_v2_only_torrent_from_a_libtorrent_seeder_byte_exact(int pieceLength)
    {
        var torrent = V2Only("from-lt", pieceLength);
        await using var libtorrent = await LibtorrentPeer.StartSeederAsync(torrent, _dir.Sub("seed"), new LibtorrentOptions { NoTracker = true });
        await libtorrent.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")));
        var handle = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("down"));
        var started = DateTime.UtcNow;
        handle.AddPeers([new IPEndPoint(IPAddress.Loopback, libtorrent.Port)]);
        await handle.WaitForStateAsync(TorrentState.Seeding, Bound);
        output.WriteLine($"v2-only leeched from libtorrent in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), torrent.Name), Path.Combine(_dir.Sub("down"), torrent.Name));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Sub("down"), ".pad", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Encrypted_both_ways_the_v2_only_swarm_is_met_on_the_truncated_hash()
    {
        // MSE keys and obfuscates with the info-hash: libtorrent uses the same truncated v2 hash there as in the handshake.
        var torrent = V2Only("mse");
        await using var libtorrent = await LibtorrentPeer.StartSeederAsync(torrent, _dir.Sub("seed"),
            new LibtorrentOptions { NoTracker = true, Encryption = "forced" });
        await libtorrent.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")) with { Encryption = EncryptionMode.Required });
        var handle = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("down"));
        handle.AddPeers([new IPEndPoint(IPAddress.Loopback, libtorrent.Port)]);
        await handle.WaitForStateAsync(TorrentState.Seeding, Bound);
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), torrent.Name), Path.Combine(_dir.Sub("down"), torrent.Name));
    }

    [Theory]
    [MemberData(nameof(PieceLengths))]
    public async Task A_libtorrent_leecher_downloads_a_v2_only_torrent_from_us(int pieceLength)
    {
        var torrent = V2Only("to-lt", pieceLength);
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")));
        var seeding = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("seed"));
        await seeding.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(30)); // every piece checked by merkle at start-up
        await using var libtorrent = await LibtorrentPeer.StartLeecherAsync(torrent, _dir.Sub("down"),
            new LibtorrentOptions { NoTracker = true, ConnectTo = [engine.ListenEndPoint!.Port] });
        await libtorrent.WaitForCompletionAsync(Bound);
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), torrent.Name), Path.Combine(_dir.Sub("down"), torrent.Name));
    }

    [Fact]
    /// <summary>
    /// libtorrent asks us for the layers (hash requests, which we answer from ours); it could also check whole files
    /// against their roots once every block is in, so this proves the connection survives them, not the answers —
    /// <c>LibtorrentHashInteropTests</c> checks those byte for byte against libtorrent's own.
    /// </summary>
    public async Task A_libtorrent_leecher_without_the_piece_layers_completes_from_us()
    {
        var torrent = V2Only("layers");
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")));
        var seeding = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("seed"));
        await seeding.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(30));
        var bytes = File.ReadAllBytes(torrent.TorrentPath);
        var layers = bytes.AsSpan().IndexOf("12:piece layers"u8);
        Assert.True(layers > 0, "libtorrent wrote no piece layers");
        var stripped = torrent with { TorrentPath = Path.Combine(_dir.FullPath, "layers-stripped.torrent") };
        File.WriteAllBytes(stripped.TorrentPath, [.. bytes[..layers], (byte)'e']);        // 'piece layers' is the last key
        await using var libtorrent = await LibtorrentPeer.StartLeecherAsync(stripped, _dir.Sub("down"),
            new LibtorrentOptions { NoTracker = true, ConnectTo = [engine.ListenEndPoint!.Port] });
        await libtorrent.WaitForCompletionAsync(Bound);
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), torrent.Name), Path.Combine(_dir.Sub("down"), torrent.Name));
    }

    [Fact]
    public async Task We_download_a_v2_only_torrent_without_its_piece_layers_from_a_libtorrent_seeder_byte_exact()
    {
        // The layers come from libtorrent's answers to our hash requests; the pieces downloaded before are held, then verified.
        var torrent = V2Only("fetch");
        await using var libtorrent = await LibtorrentPeer.StartSeederAsync(torrent, _dir.Sub("seed"), new LibtorrentOptions { NoTracker = true });
        await libtorrent.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
        var meta = TorrentMetainfo.Load(torrent.TorrentPath);
        var stripped = Strip(torrent.TorrentPath);
        Assert.True(TorrentMetainfo.Parse(stripped).Merkle!.MissingLayers > 0);
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")));
        var handle = await engine.AddAsync(stripped, _dir.Sub("down"));
        Assert.Equal(meta.InfoHash.ToHex(), handle.InfoHash.ToHex());
        handle.AddPeers([new IPEndPoint(IPAddress.Loopback, libtorrent.Port)]);
        await handle.WaitForStateAsync(TorrentState.Seeding, Bound);
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), torrent.Name), Path.Combine(_dir.Sub("down"), torrent.Name));
        var status = await handle.GetStatusAsync();
        Assert.Equal(status.PieceCount, status.VerifiedPieces);
    }

    [Fact]
    public async Task A_layer_of_more_than_512_pieces_is_fetched_in_chunks_from_libtorrent()
    {
        // 16 KiB pieces: a 9 MiB file has 577, so its layer takes two hash requests of 512 (the second mostly padding).
        var root = Path.Combine(_dir.Sub("seed"), "chunks");
        Directory.CreateDirectory(root);
        TestData.WriteFile(Path.Combine(root, "many.bin"), 9 * 1024 * 1024 + 777, 6);
        TestData.WriteFile(Path.Combine(root, "few.bin"), 100_000, 7);
        var torrent = TorrentFactory.CreateV2Only(root, Path.Combine(_dir.FullPath, "chunks.torrent"), 16 * 1024);
        await using var libtorrent = await LibtorrentPeer.StartSeederAsync(torrent, _dir.Sub("seed"), new LibtorrentOptions { NoTracker = true });
        await libtorrent.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
        var stripped = Strip(torrent.TorrentPath);
        Assert.Equal(2, TorrentMetainfo.Parse(stripped).MissingPieceLayers);
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")));
        var handle = await engine.AddAsync(stripped, _dir.Sub("down"));
        handle.AddPeers([new IPEndPoint(IPAddress.Loopback, libtorrent.Port)]);
        await handle.WaitForStateAsync(TorrentState.Seeding, Bound);
        DirectoryComparer.AssertIdentical(root, Path.Combine(_dir.Sub("down"), torrent.Name));
    }

    [Fact]
    public async Task We_download_a_v2_only_magnet_from_a_libtorrent_seeder_byte_exact()
    {
        // The metadata is checked by SHA-256 against the btmh hash, then the layers come by hash requests.
        var torrent = V2Only("btmh");
        await using var libtorrent = await LibtorrentPeer.StartSeederAsync(torrent, _dir.Sub("seed"), new LibtorrentOptions { NoTracker = true });
        await libtorrent.WaitUntilSeedingAsync(TimeSpan.FromSeconds(30));
        var meta = TorrentMetainfo.Load(torrent.TorrentPath);
        var magnet = $"magnet:?xt=urn:btmh:1220{Convert.ToHexStringLower(meta.InfoHashV2.Span)}&x.pe=127.0.0.1:{libtorrent.Port}";
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")));
        var handle = await engine.AddAsync(magnet, _dir.Sub("down"));
        Assert.Equal(meta.InfoHash, handle.InfoHash);
        await handle.WaitForStateAsync(TorrentState.Seeding, Bound);
        DirectoryComparer.AssertIdentical(Path.Combine(_dir.Sub("seed"), torrent.Name), Path.Combine(_dir.Sub("down"), torrent.Name));
    }

    /// <summary>The .torrent's bytes without its <c>piece layers</c> (the last key libtorrent writes).</summary>
    private static byte[] Strip(string torrentPath)
    {
        var bytes = File.ReadAllBytes(torrentPath);
        var layers = bytes.AsSpan().IndexOf("12:piece layers"u8);
        Assert.True(layers > 0, "libtorrent wrote no piece layers");
        return [.. bytes[..layers], (byte)'e'];
    }

    [Fact]
    public async Task A_v2_only_seed_whose_data_was_altered_is_not_seeding()
    {
        var torrent = V2Only("altered");
        var file = Path.Combine(_dir.Sub("seed"), torrent.Name, "small.bin");
        var bytes = File.ReadAllBytes(file);
        bytes[4321] ^= 0xff;
        File.WriteAllBytes(file, bytes);
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state")));
        var handle = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("seed"));
        await handle.WaitForStateAsync(TorrentState.Downloading, TimeSpan.FromSeconds(30));
        var status = await handle.GetStatusAsync();
        Assert.Equal(status.PieceCount - 1, status.VerifiedPieces);
    }

    private const string Hashes = """
        import sys, libtorrent as lt
        ti = lt.torrent_info(sys.argv[1])
        print(ti.info_hashes().has_v1(), ti.info_hashes().v2)
        """;

    [Fact]
    public async Task Our_v2_only_torrent_has_libtorrents_info_hash_and_we_seed_it_to_libtorrent_byte_exact()
    {
        var source = Path.Combine(_dir.Sub("seed"), V2Only("ours-v2").Name); // the same odd-sized files, now hashed by us
        var path = Path.Combine(_dir.FullPath, "ours-v2-ours.torrent");
        await File.WriteAllBytesAsync(path, TorrentCreator.Create(source, new TorrentCreationOptions { V2Only = true, PieceLength = PieceLength }));
        var meta = TorrentMetainfo.Load(path);
        Assert.True(meta.IsV2Only);
        Assert.Equal(["False", Convert.ToHexStringLower(meta.InfoHashV2.Span)], ExternalTools.RunLibtorrentPython(Hashes, path).Trim().Split(' '));

        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state-ours")));
        var seeding = await engine.AddAsync(path, _dir.Sub("seed"));
        await seeding.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(30));
        await using var libtorrent = await LibtorrentPeer.StartLeecherAsync(TorrentFactory.Read(path), _dir.Sub("down-ours"),
            new LibtorrentOptions { NoTracker = true, ConnectTo = [engine.ListenEndPoint!.Port] });
        await libtorrent.WaitForCompletionAsync(Bound);
        DirectoryComparer.AssertIdentical(source, Path.Combine(_dir.Sub("down-ours"), meta.Name));
    }

    [Theory]
    [InlineData(16 * 1024)]
    [InlineData(64 * 1024)]
    public async Task A_libtorrent_leecher_downloads_a_single_file_v2_only_torrent_from_us(int pieceLength)
    {
        var file = Path.Combine(_dir.Sub("seed-single-" + pieceLength), "single.bin");
        TestData.WriteFile(file, 2 * 1024 * 1024 + 777, 9);
        var torrent = TorrentFactory.CreateV2Only(file, Path.Combine(_dir.FullPath, $"single-{pieceLength}.torrent"), pieceLength);
        await using var engine = TorrentEngine.Create(ApiTestEngines.Options(_dir.Sub("state-single-" + pieceLength)));
        var seeding = await engine.AddAsync(torrent.TorrentPath, _dir.Sub("seed-single-" + pieceLength));
        await seeding.WaitForStateAsync(TorrentState.Seeding, TimeSpan.FromSeconds(30));
        await using var libtorrent = await LibtorrentPeer.StartLeecherAsync(torrent, _dir.Sub("down-single-" + pieceLength),
            new LibtorrentOptions { NoTracker = true, ConnectTo = [engine.ListenEndPoint!.Port] });
        await libtorrent.WaitForCompletionAsync(Bound);
        Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(_dir.Sub("down-single-" + pieceLength), "single.bin")));
    }

    private const string SameAsLibtorrents = """
        import sys, libtorrent as lt
        fs = lt.file_storage(); lt.add_files(fs, sys.argv[2])
        ct = lt.create_torrent(fs, int(sys.argv[3]), flags=lt.create_torrent.v2_only)
        lt.set_piece_hashes(ct, sys.argv[4])
        theirs = ct.generate()
        ours = lt.bdecode(open(sys.argv[1], 'rb').read())
        print(lt.bencode(ours[b'info']) == lt.bencode(theirs[b'info']), ours[b'piece layers'] == theirs[b'piece layers'])
        """;

    [Theory]
    [InlineData(16 * 1024)]
    [InlineData(256 * 1024)]
    public void Our_single_file_v2_only_torrent_is_libtorrents_byte_for_byte(int pieceLength)
    {
        var file = Path.Combine(_dir.Sub("single"), "one.bin");
        TestData.WriteFile(file, 1024 * 1024 + 4321, 9);
        var path = Path.Combine(_dir.FullPath, $"one-{pieceLength}.torrent");
        File.WriteAllBytes(path, TorrentCreator.Create(file, new TorrentCreationOptions { V2Only = true, PieceLength = pieceLength }));
        Assert.Equal("True True", ExternalTools.RunLibtorrentPython(SameAsLibtorrents, path, file, pieceLength.ToString(System.Globalization.CultureInfo.InvariantCulture), _dir.Sub("single")).Trim());
    }
}
