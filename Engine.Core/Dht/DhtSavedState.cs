using Engine.Core.Bencode;
using Engine.Core.Primitives;

namespace Engine.Core.Dht;

/// <summary>
/// What a node keeps across restarts (the state directory's <c>dht.dat</c>): its id and the nodes of its routing table,
/// so that the next start bootstraps from them without the routers. Bencoded <c>{id, nodes, nodes6}</c>; an unreadable
/// file is treated as none.
/// </summary>
internal sealed record DhtSavedState(NodeId Id, IReadOnlyList<DhtContact> Nodes)
{
    public byte[] Encode() => new BDictionaryBuilder()
        .Add("id", Id.ToArray())
        .Add("nodes", DhtContact.WriteAll(Nodes, IpFamily.V4))
        .Add("nodes6", DhtContact.WriteAll(Nodes, IpFamily.V6))
        .ToArray();

    public static DhtSavedState? TryDecode(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            if (BencodeReader.Decode(bytes, BencodeOptions.Metainfo) is not BDictionary d) return null;
            if (!d.TryGet<BString>("id", out var id) || id.Bytes.Length != NodeId.Length) return null;
            var nodes = new List<DhtContact>();
            if (d.TryGet<BString>("nodes", out var v4)) nodes.AddRange(DhtContact.ReadAll(v4.Bytes.Span, IpFamily.V4));
            if (d.TryGet<BString>("nodes6", out var v6)) nodes.AddRange(DhtContact.ReadAll(v6.Bytes.Span, IpFamily.V6));
            return new DhtSavedState(NodeId.FromBytes(id.Bytes.Span), nodes);
        }
        catch (BencodeException) { return null; }
    }
}
