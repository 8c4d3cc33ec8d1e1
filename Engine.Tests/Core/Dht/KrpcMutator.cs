using System.Net;
using Engine.Core.Dht;

namespace Engine.Tests.Core.Dht;

/// <summary>
/// Mutated KRPC packets for fuzzing the codec: one of a few valid messages of every kind, with one to three bytes
/// changed, the packet cut short, or a bencode-looking byte inserted. Shared by the test and <c>bench/Dht</c>.
/// </summary>
internal sealed class KrpcMutator
{
    private const string BencodeBytes = "dile0123456789:";
    private readonly Random _rng;
    private readonly byte[][] _seeds;

    public KrpcMutator(Random rng)
    {
        _rng = rng;
        var me = NodeId.Random(rng);
        _seeds =
        [
            KrpcCodec.Encode(new PingQuery([9, 9], me)),
            KrpcCodec.Encode(new FindNodeQuery([7], me, NodeId.Random(rng))),
            KrpcCodec.Encode(new GetPeersQuery([1, 2], me, NodeId.Random(rng).ToInfoHash())),
            KrpcCodec.Encode(new KrpcResponse([3, 4], me)
            {
                Nodes = [new DhtContact(NodeId.Random(rng), new IPEndPoint(IPAddress.Loopback, 1))],
                Nodes6 = [new DhtContact(NodeId.Random(rng), new IPEndPoint(IPAddress.IPv6Loopback, 3))],
                Token = [1],
                Values = [new IPEndPoint(IPAddress.Loopback, 2)],
            }),
            KrpcCodec.Encode(new AnnouncePeerQuery([5], me, NodeId.Random(rng).ToInfoHash(), 1, true, [1, 2])),
            KrpcCodec.Encode(new KrpcError([6], 201, "x")),
        ];
    }

    /// <summary>The valid packets mutations start from: every kind of query, a response, an error.</summary>
    public IReadOnlyList<byte[]> Seeds => _seeds;

    public byte[] Next()
    {
        var packet = (byte[])_seeds[_rng.Next(_seeds.Length)].Clone();
        for (var m = _rng.Next(1, 4); m > 0 && packet.Length > 0; m--)
        {
            switch (_rng.Next(3))
            {
                case 0: packet[_rng.Next(packet.Length)] = (byte)_rng.Next(256); break;
                case 1: packet = packet[.._rng.Next(packet.Length)]; break;
                default:
                    var at = _rng.Next(packet.Length + 1);
                    packet = [.. packet[..at], (byte)BencodeBytes[_rng.Next(BencodeBytes.Length)], .. packet[at..]];
                    break;
            }
        }
        return packet;
    }
}
