using System.Text;
using Akka.Actor;
using System.Runtime.Serialization;
using Akka.Serialization;

namespace Engine.Cluster.Trackers;

/// <summary>
/// The wire format of the announce and its answer, the messages every announce sends across the cluster (the others,
/// rare, keep Akka's JSON): fixed fields in binary, peers as address length, address, port, peer id. Bound to the two
/// types in <c>ClusterHocon.ForTracker</c>. Malformed bytes throw (Akka.Remote drops the message).
/// </summary>
internal sealed class SwarmShardSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private const string AnnounceManifest = "A";
    private const string AnnouncedManifest = "a";

    /// <summary>Unique among the serializers of the system (Akka's own are below 100).</summary>
    public override int Identifier => 419_001;

    public override string Manifest(object o) => o switch
    {
        SwarmShard.Announce => AnnounceManifest,
        SwarmShard.Announced => AnnouncedManifest,
        _ => throw new ArgumentException($"{o.GetType()} is not serialized by {nameof(SwarmShardSerializer)}"),
    };

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream(128);
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case SwarmShard.Announce a:
                    w.Write(a.Shard);
                    Bytes(w, a.InfoHash);
                    Bytes(w, a.PeerId);
                    Bytes(w, a.Source);
                    w.Write(a.Port);
                    w.Write(a.Uploaded);
                    w.Write(a.Downloaded);
                    w.Write(a.Left);
                    w.Write(a.Event);
                    w.Write(a.NumWant);
                    Text(w, a.Ip);
                    break;
                case SwarmShard.Announced r:
                    Text(w, r.Failure);
                    w.Write(r.Seeders);
                    w.Write(r.Leechers);
                    w.Write(r.Completed);
                    w.Write(r.Addresses.Length);
                    for (var i = 0; i < r.Addresses.Length; i++)
                    {
                        Bytes(w, r.Addresses[i]);
                        w.Write(r.Ports[i]);
                        Bytes(w, r.PeerIds[i]);
                    }
                    break;
                default:
                    throw new ArgumentException($"{obj.GetType()} is not serialized by {nameof(SwarmShardSerializer)}");
            }
        }
        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        switch (manifest)
        {
            case AnnounceManifest:
                return new SwarmShard.Announce(r.ReadInt32(), Bytes(r), Bytes(r), Bytes(r), r.ReadInt32(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(),
                    r.ReadInt32(), r.ReadInt32(), Text(r));
            case AnnouncedManifest:
                var failure = Text(r);
                var (seeders, leechers, completed, count) = (r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32());
                if (count < 0 || count > bytes.Length) throw new SerializationException($"an announce answer with {count} peers");
                var addresses = new byte[count][];
                var ports = new int[count];
                var ids = new byte[count][];
                for (var i = 0; i < count; i++)
                {
                    addresses[i] = Bytes(r);
                    ports[i] = r.ReadInt32();
                    ids[i] = Bytes(r);
                }
                return new SwarmShard.Announced(failure, seeders, leechers, completed, addresses, ports, ids);
            default:
                throw new SerializationException($"unknown manifest '{manifest}' for {nameof(SwarmShardSerializer)}");
        }
    }

    private static void Bytes(BinaryWriter w, byte[] bytes)
    {
        w.Write((byte)bytes.Length);
        w.Write(bytes);
    }

    private static byte[] Bytes(BinaryReader r)
    {
        var length = r.ReadByte();
        var bytes = r.ReadBytes(length);
        if (bytes.Length != length) throw new EndOfStreamException();
        return bytes;
    }

    private static void Text(BinaryWriter w, string? text)
    {
        w.Write(text is not null);
        if (text is not null) w.Write(text);
    }

    private static string? Text(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;
}
