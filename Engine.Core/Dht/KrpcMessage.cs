using System.Net;
using Engine.Core.Primitives;

namespace Engine.Core.Dht;

/// <summary>
/// A KRPC message (BEP 5): a query, a response or an error, matched by the transaction id <c>t</c> the querier chose.
/// <see cref="ReportedAddress"/> is BEP 42's <c>ip</c>: in a response, the querier's address as the responder saw it.
/// </summary>
internal abstract record KrpcMessage(byte[] Transaction)
{
    /// <summary>The sender's client and version (<c>v</c>), when it says.</summary>
    public byte[]? Version { get; init; }

    public IPEndPoint? ReportedAddress { get; init; }
}

/// <summary>A query: <see cref="Sender"/> is the querying node's id (<c>a.id</c>).</summary>
internal abstract record KrpcQuery(byte[] Transaction, NodeId Sender) : KrpcMessage(Transaction)
{
    /// <summary>BEP 43: the querier does not answer queries; it must not enter routing tables.</summary>
    public bool ReadOnly { get; init; }

    public abstract string Method { get; }
}

internal sealed record PingQuery(byte[] Transaction, NodeId Sender) : KrpcQuery(Transaction, Sender)
{
    public override string Method => "ping";
}

internal sealed record FindNodeQuery(byte[] Transaction, NodeId Sender, NodeId Target) : KrpcQuery(Transaction, Sender)
{
    public override string Method => "find_node";
}

internal sealed record GetPeersQuery(byte[] Transaction, NodeId Sender, InfoHash InfoHash) : KrpcQuery(Transaction, Sender)
{
    public override string Method => "get_peers";
}

/// <summary><paramref name="ImpliedPort"/>: use the UDP source port instead of <paramref name="Port"/> (peers behind NAT).</summary>
internal sealed record AnnouncePeerQuery(byte[] Transaction, NodeId Sender, InfoHash InfoHash, int Port, bool ImpliedPort, byte[] Token) : KrpcQuery(Transaction, Sender)
{
    /// <summary>BEP 33: the announcer is a seed.</summary>
    public bool Seed { get; init; }

    public override string Method => "announce_peer";
}

/// <summary>A query this node does not implement (answered with error 204).</summary>
internal sealed record UnknownQuery(byte[] Transaction, NodeId Sender, string Name) : KrpcQuery(Transaction, Sender)
{
    public override string Method => Name;
}

/// <summary>A response: the responder's id, and what the query asked for (nodes, peers, a token).</summary>
internal sealed record KrpcResponse(byte[] Transaction, NodeId Responder) : KrpcMessage(Transaction)
{
    public IReadOnlyList<DhtContact> Nodes { get; init; } = [];
    public IReadOnlyList<DhtContact> Nodes6 { get; init; } = [];
    public IReadOnlyList<IPEndPoint> Values { get; init; } = [];
    public byte[]? Token { get; init; }
}

/// <summary>An error: 201 generic, 202 server, 203 protocol (malformed, bad token), 204 method unknown.</summary>
internal sealed record KrpcError(byte[] Transaction, int Code, string Message) : KrpcMessage(Transaction)
{
    public const int Generic = 201, Server = 202, Protocol = 203, MethodUnknown = 204;
}
