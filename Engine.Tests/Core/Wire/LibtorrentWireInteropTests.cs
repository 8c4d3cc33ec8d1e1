using System.Net.Sockets;
using Engine.Core.Buffers;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using Xunit.Abstractions;

namespace Engine.Tests.Core.Wire;

/// <summary>Our handshake, writer and decoder against a real libtorrent seed over 127.0.0.1.</summary>
public class LibtorrentWireInteropTests(ITestOutputHelper log)
{
    private const int PieceLength = 32768;

    [Fact]
    public async Task Downloads_every_block_from_a_libtorrent_seed_with_valid_messages_only()
    {
        var content = WireSamples.Bytes(100_000, 42);   // 4 pieces, the last 1,696 bytes
        var layout = new TorrentLayout(content.Length, PieceLength);
        using var seed = new LibtorrentSeed(content, PieceLength);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;

        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", seed.Port, ct);
        var stream = client.GetStream();
        var ours = new Handshake(seed.InfoHash, PeerId.CreateOurs(), supportsExtensions: true, supportsFast: true);
        await stream.WriteAsync(ours.ToArray(), ct);

        var handshakeBytes = new byte[Handshake.Length];
        await stream.ReadExactlyAsync(handshakeBytes, ct);
        Assert.True(Handshake.TryParse(handshakeBytes, out var theirs, out var error), error);
        Assert.Equal(seed.InfoHash, theirs.InfoHash);
        Assert.True(theirs.SupportsExtensions, "libtorrent sets the BEP 10 bit");
        Assert.True(theirs.SupportsFast, "libtorrent sets the BEP 6 bit");
        Assert.StartsWith("-LT", theirs.PeerId.ToString());

        await stream.WriteAsync(MessageWriter.Encode(Interested.Instance), ct);

        var pool = new BlockPool(16);
        using var decoder = new FrameDecoder(pool);
        var seen = new List<PeerMessage>();
        var received = new byte[content.Length];
        var blocksLeft = (int)layout.TotalBlocks;
        var requested = false;
        var buffer = new byte[65536];
        while (blocksLeft > 0)
        {
            var n = await stream.ReadAsync(buffer, ct);
            Assert.True(n > 0, $"libtorrent closed the connection after {string.Join(", ", seen)}");
            var messages = new List<PeerMessage>();
            Assert.Null(decoder.Feed(buffer.AsSpan(0, n), messages));
            foreach (var message in messages)
            {
                seen.Add(message);
                Assert.Null(MessageValidator.Validate(message, layout));
                if (message is Unchoke && !requested)
                {
                    requested = true;
                    var requests = new System.Buffers.ArrayBufferWriter<byte>();
                    for (var p = 0; p < layout.PieceCount; p++)
                        for (var b = 0; b < layout.BlockCount(p); b++)
                            MessageWriter.Write(new Request(layout.Block(p, b)), requests);
                    await stream.WriteAsync(requests.WrittenMemory, ct);
                }
                if (message is PieceMessage block)
                {
                    block.Data.Span.CopyTo(received.AsSpan((int)layout.PieceOffset(block.Piece) + block.Offset));
                    block.Data.Release();
                    blocksLeft--;
                }
            }
        }

        log.WriteLine($"libtorrent {theirs.PeerId} sent: {string.Join(", ", seen)}");
        Assert.Equal(content, received);
        Assert.Contains(seen, m => m is Extended { ExtendedId: 0 } e && e.Payload.Length > 0 && e.Payload[0] == (byte)'d');
        Assert.Contains(seen, m => m is HaveAll || m is BitfieldMessage);
        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(0, decoder.SkippedMessages);
        Assert.Equal(content.Length, decoder.BytesDecoded);
    }
}
