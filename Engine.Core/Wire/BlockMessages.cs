using Engine.Core.Primitives;

namespace Engine.Core.Wire;

// Messages naming one block: <index><begin><length>, 12 payload bytes.

internal sealed record Request(int Piece, int Offset, int Length) : PeerMessage
{
    public Request(BlockRequest block) : this(block.Piece, block.Offset, block.Length) { }
    public BlockRequest Block => new(Piece, Offset, Length);
}

internal sealed record Cancel(int Piece, int Offset, int Length) : PeerMessage
{
    public Cancel(BlockRequest block) : this(block.Piece, block.Offset, block.Length) { }
    public BlockRequest Block => new(Piece, Offset, Length);
}

/// <summary>BEP 6: the peer will not serve this request.</summary>
internal sealed record Reject(int Piece, int Offset, int Length) : PeerMessage
{
    public Reject(BlockRequest block) : this(block.Piece, block.Offset, block.Length) { }
    public BlockRequest Block => new(Piece, Offset, Length);
}
