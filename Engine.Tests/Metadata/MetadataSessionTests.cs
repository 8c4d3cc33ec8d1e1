using System.Net.Sockets;
using System.Net;
using Engine.Core.Extensions;
using Engine.Core.Metadata;
using Engine.Core.Buffers;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using Engine.Metadata;
using Engine.Tests.Support;

namespace Engine.Tests.Metadata;

/// <summary>One peer's metadata exchange against scripted peers, honest and not.</summary>
public sealed class MetadataSessionTests
{
    private static readonly MetadataSettings Fast = new() { SessionTimeout = TimeSpan.FromSeconds(5) };

    private static Task<byte[]> Fetch(IPEndPoint at, InfoHash hash, MetadataSettings? settings = null)
        => MetadataSession.FetchAsync(at, hash, PeerId.CreateOurs(), 6881, settings ?? Fast, CancellationToken.None);

    [Fact]
    public async Task An_honest_peer_gives_the_info_dictionary_in_16_KiB_pieces()
    {
        // 1 200 files with long names: the info dictionary spans several metadata pieces.
        using var data = GeneratedTorrent.Create("meta", Enumerable.Range(0, 1200)
            .Select(i => ($"a-directory-with-a-long-name/file-number-{i:D5}-with-a-long-name-too.bin", 10)).ToList(), 16 * 1024);
        Assert.True(data.Metainfo.RawInfo.Length > 2 * MetadataCodec.PieceSize, $"info is only {data.Metainfo.RawInfo.Length} bytes");
        await using var seed = new ScriptedMetadataSeed(data.Metainfo.RawInfo, data.Metainfo.InfoHash);
        var info = await Fetch(seed.EndPoint, data.Metainfo.InfoHash);
        Assert.Equal(data.Metainfo.RawInfo.ToArray(), info);
        Assert.Equal(MetadataCodec.PieceCount(info.Length), seed.Requests);
    }

    [Fact]
    public async Task The_connection_stays_open_with_the_peers_other_messages_kept_in_order_for_the_download()
    {
        using var data = GeneratedTorrent.Create("kept", Enumerable.Range(0, 700)
            .Select(i => ($"a-directory-with-a-long-name/file-number-{i:D5}-with-a-long-name-too.bin", 10)).ToList(), 16 * 1024);
        var pieces = MetadataCodec.PieceCount(data.Metainfo.RawInfo.Length);
        Assert.True(pieces >= 2, "the info dictionary should span two metadata pieces");
        await using var seed = new ScriptedMetadataSeed(data.Metainfo.RawInfo, data.Metainfo.InfoHash, MetadataBehaviour.Chatty);
        var reserved = Engine.Core.Peers.PeerSessionContext.ReservedBits(6881, v2: false);

        var fetched = await MetadataSession.FetchAsync(Engine.Transports.TcpDialer.Instance, seed.EndPoint, MetadataHashes.V1(data.Metainfo.InfoHash),
            PeerId.CreateOurs(), 6881, reserved, Fast, CancellationToken.None);
        var connection = Assert.IsType<Engine.Peers.PeerManager.HandedOver>(fetched.Connection);
        using var transport = connection.Transport;
        Assert.Equal(data.Metainfo.RawInfo.ToArray(), fetched.Info);
        Assert.Equal(reserved, connection.OurReserved);
        Assert.Equal(seed.EndPoint, connection.Remote);
        Assert.Equal(data.Metainfo.InfoHash, connection.Handshake.InfoHash);
        Assert.InRange(connection.RoundTrip!.Value, TimeSpan.FromTicks(1), Fast.SessionTimeout); // sizes the download's first requests

        // Kept: the seed's extension handshake and its haves, in the order sent; not the metadata pieces. The last have
        // follows the last piece: it is on its way, unread, for the connection to read.
        using var decoder = new FrameDecoder(new BlockPool(4));
        var kept = new List<PeerMessage>();
        Assert.Null(decoder.Feed(connection.InitialBytes, kept));
        Assert.True(decoder.AtFrameBoundary);
        Assert.Equal(0, Assert.IsType<Extended>(kept[0]).ExtendedId);
        var haves = kept.Skip(1).Select(m => Assert.IsType<Have>(m).Piece).ToList();
        Assert.Equal(Enumerable.Range(ScriptedMetadataSeed.ChattyFirstHave, pieces), haves);
        var next = new byte[9];
        Assert.True(await Engine.Transports.TransportReads.ReceiveExactlyAsync(transport, next, CancellationToken.None));
        var last = new List<PeerMessage>();
        Assert.Null(decoder.Feed(next, last));
        Assert.Equal(ScriptedMetadataSeed.ChattyFirstHave + pieces, Assert.IsType<Have>(Assert.Single(last)).Piece);
        Assert.Equal(1, seed.Connections);
    }

    [Theory]
    [InlineData(MetadataBehaviour.Corrupt, "does not match the info-hash")]
    [InlineData(MetadataBehaviour.Reject, "rejected metadata piece 0")]
    [InlineData(MetadataBehaviour.NoExtensions, "does not support the extension protocol")]
    [InlineData(MetadataBehaviour.Oversized, "metadata size 16777217 is not in")]
    public async Task A_peer_that_misbehaves_ends_the_session_with_the_reason(MetadataBehaviour behaviour, string reason)
    {
        using var data = GeneratedTorrent.Create("bad", [("a.bin", 100_000)], 16 * 1024);
        await using var seed = new ScriptedMetadataSeed(data.Metainfo.RawInfo, data.Metainfo.InfoHash, behaviour);
        var e = await Assert.ThrowsAsync<MetadataException>(() => Fetch(seed.EndPoint, data.Metainfo.InfoHash));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public async Task A_silent_peer_is_given_up_on_after_the_session_timeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Fetch((IPEndPoint)silent.LocalEndpoint, InfoHash.FromHex(new string('a', 40)),
            Fast with { SessionTimeout = TimeSpan.FromMilliseconds(500) }));
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.4, 3);
    }

    [Fact]
    public async Task A_closed_port_fails_fast()
        => await Assert.ThrowsAsync<SocketException>(() => Fetch(new IPEndPoint(IPAddress.Loopback, FreePorts.Tcp(1)[0]), InfoHash.FromHex(new string('b', 40))));
}

/// <summary>Our own peer connections serve metadata (BEP 9) to whoever asks.</summary>
public sealed class MetadataServingTests
{
    [Fact]
    public async Task A_seeding_engine_hands_out_its_info_dictionary_and_rejects_pieces_beyond_it()
    {
        using var data = GeneratedTorrent.Create("served", Enumerable.Range(0, 400).Select(i => ($"d/file-number-{i:D4}-has-a-longish-name.bin", 10 + i)).ToList(), 16 * 1024);
        await using var engine = await TestEngine.StartAsync(name: "metadata-server");
        var torrent = await engine.AddAsync(data.TorrentPath, data.SeedDirectory);
        await TestEngine.WaitCompleteAsync(torrent, TimeSpan.FromSeconds(15));

        var info = await MetadataSession.FetchAsync(engine.EndPoint, data.Metainfo.InfoHash, PeerId.CreateOurs(), 0,
            new MetadataSettings { SessionTimeout = TimeSpan.FromSeconds(10) }, CancellationToken.None);
        Assert.Equal(data.Metainfo.RawInfo.ToArray(), info);

        // A request past the end is rejected, not answered with garbage.
        await using var peer = await ScriptedPeer.ConnectAsync(engine.EndPoint);
        await peer.SendHandshakeAsync(data.Metainfo.InfoHash, fast: true, extensions: true);
        Assert.True((await peer.ReceiveHandshakeAsync()).SupportsExtensions);
        await peer.SendRawAsync(Engine.Core.Wire.MessageWriter.Encode(new Engine.Core.Wire.Extended(0,
            new ExtensionHandshake(new Dictionary<string, int> { ["ut_metadata"] = 9 }).Encode())));
        var theirs = ExtensionHandshake.Decode((await peer.ReceiveAsync<Engine.Core.Wire.Extended>()).Payload);
        Assert.Equal(data.Metainfo.RawInfo.Length, theirs.MetadataSize);
        var id = (byte)theirs.IdOf("ut_metadata")!.Value;
        await peer.SendRawAsync(Engine.Core.Wire.MessageWriter.Encode(new Engine.Core.Wire.Extended(id, MetadataCodec.EncodeRequest(99))));
        var reply = MetadataCodec.Decode((await peer.ReceiveAsync<Engine.Core.Wire.Extended>(TimeSpan.FromSeconds(5))).Payload);
        Assert.Equal((MetadataMessageType.Reject, 99), (reply.Type, reply.Piece));
    }
}
