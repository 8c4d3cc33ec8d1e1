using System.Net;
using Engine.Core.Primitives;
using Engine.Core.Wire;

namespace Engine.Tests.Support;

/// <summary>Scripts for a <see cref="ScriptedPeer"/> that downloads from an engine: connect, handshake, ask and check blocks.</summary>
internal static class ScriptedLeecher
{
    /// <summary>Connects to <paramref name="engine"/>, exchanges handshakes (fast extension on) and returns the engine's handshake.</summary>
    public static async Task<(ScriptedPeer Peer, Handshake Theirs)> ConnectAsync(IPEndPoint engine, InfoHash infoHash, PeerId? id = null, IPAddress? from = null)
    {
        var peer = await ScriptedPeer.ConnectAsync(engine, from);
        if (id is not null) peer.Id = id;
        await peer.SendHandshakeAsync(infoHash, fast: true);
        var theirs = await peer.ReceiveHandshakeAsync();
        return (peer, theirs);
    }

    /// <summary>
    /// Like <see cref="ConnectAsync"/>, for connections the engine may refuse: returns the peer and true when
    /// the engine closed the connection (before or right after its handshake) within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<(ScriptedPeer Peer, bool Closed)> ConnectExpectingCloseAsync(IPEndPoint engine, InfoHash infoHash, TimeSpan timeout, PeerId? id = null,
        IPAddress? from = null)
    {
        var peer = await ScriptedPeer.ConnectAsync(engine, from);
        if (id is not null) peer.Id = id;
        await peer.SendHandshakeAsync(infoHash, fast: true);
        try { await peer.ReceiveHandshakeAsync(timeout); }
        catch (IOException) { return (peer, true); }
        catch (OperationCanceledException) { return (peer, false); }
        return (peer, await peer.WaitClosedAsync(timeout));
    }

    /// <summary>Sends interested and waits for the engine's unchoke.</summary>
    public static async Task BecomeUnchokedAsync(this ScriptedPeer peer)
    {
        await peer.SendAsync(Interested.Instance);
        await peer.ReceiveAsync<Unchoke>(TimeSpan.FromSeconds(15));
    }

    public static Task RequestAsync(this ScriptedPeer peer, BlockRequest block)
        => peer.SendAsync(new Request(block.Piece, block.Offset, block.Length));

    /// <summary>Requests <paramref name="block"/> and checks the payload that comes back against <paramref name="expected"/> (the whole torrent's bytes).</summary>
    public static async Task FetchAndCheckAsync(this ScriptedPeer peer, TorrentLayout layout, BlockRequest block, byte[] expected)
    {
        await peer.RequestAsync(block);
        var piece = await peer.ReceiveAsync<PieceMessage>(TimeSpan.FromSeconds(10));
        try
        {
            Assert.Equal(block, new BlockRequest(piece.Piece, piece.Offset, piece.Data.Length));
            var start = (int)(layout.PieceOffset(block.Piece) + block.Offset);
            Assert.True(piece.Data.Span.SequenceEqual(expected.AsSpan(start, block.Length)), $"block {block} has the wrong bytes");
        }
        finally { piece.Data.Release(); }
    }
}
