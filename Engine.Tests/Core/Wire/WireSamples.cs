using Engine.Core.Buffers;
using Engine.Core.Wire;

namespace Engine.Tests.Core.Wire;

/// <summary>Helpers shared by the wire tests: sample messages and whole-stream decoding.</summary>
internal static class WireSamples
{
    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>One message of every kind.</summary>
    public static List<PeerMessage> OneOfEach(BlockPool pool) =>
    [
        KeepAlive.Instance, Choke.Instance, Unchoke.Instance, Interested.Instance, NotInterested.Instance,
        HaveAll.Instance, HaveNone.Instance,
        new Have(7), new Suggest(3), new AllowedFast(1_000_000), new Port(6881),
        new BitfieldMessage([0xff, 0x0f, 0x80]),
        new Request(1, 16384, 16384), new Cancel(2, 0, 100), new Reject(3, 32768, 5),
        new PieceMessage(4, 16384, pool.RentCopy(Bytes(16384, 4))),
        new PieceMessage(5, 0, pool.RentCopy(Bytes(77, 5))),
        new Extended(0, "d1:md6:ut_pexi1eee"u8.ToArray()),
        new Extended(3, []),
        new HashRequest(new HashRange(Bytes(32, 6), 2, 512, 512, 9)),
        new HashReject(new HashRange(Bytes(32, 7), 0, 4, 2, 0)),
        new Hashes(new HashRange(Bytes(32, 8), 2, 0, 2, 1), Bytes(3 * 32, 9)),
    ];

    public static byte[] Concat(IEnumerable<PeerMessage> messages)
    {
        var stream = new MemoryStream();
        foreach (var m in messages) stream.Write(MessageWriter.Encode(m));
        return stream.ToArray();
    }

    /// <summary>Frame with an arbitrary id and payload.</summary>
    public static byte[] Frame(byte id, params byte[] payload)
    {
        var frame = new byte[5 + payload.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length + 1);
        frame[4] = id;
        payload.CopyTo(frame, 5);
        return frame;
    }

    public static List<PeerMessage> DecodeAll(ReadOnlySpan<byte> stream, BlockPool pool)
    {
        using var decoder = new FrameDecoder(pool);
        var output = new List<PeerMessage>();
        var violation = decoder.Feed(stream, output);
        Assert.Null(violation);
        Assert.True(decoder.AtFrameBoundary);
        return output;
    }

    public static ProtocolViolation FirstViolation(ReadOnlySpan<byte> stream, out List<PeerMessage> output)
    {
        using var decoder = new FrameDecoder(new BlockPool(8));
        output = [];
        var violation = decoder.Feed(stream, output);
        Assert.NotNull(violation);
        return violation;
    }

    public static void ReleaseBlocks(IEnumerable<PeerMessage> messages)
    {
        foreach (var m in messages)
            if (m is PieceMessage p) p.Data.Release();
    }
}
