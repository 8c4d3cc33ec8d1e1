using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using Engine.Core.Merkle;
using Engine.Core.Metainfo;
using Engine.Core.Wire;
using Engine.Tests.Support;

namespace Engine.Tests.Scenarios.Kit;

/// <summary>
/// A remote seed played by the test (built on <see cref="ScriptedPeer"/>): it listens on 127.0.0.1 (or a lab address), takes one
/// connection, and behaves as <see cref="SeedBehaviour"/> says. Give <see cref="EndPoint"/> to a torrent
/// (<see cref="Engine.Api.TorrentHandle.AddPeers"/>) so that the engine dials it. Counts the blocks it served, and keeps
/// the requests it got.
/// </summary>
public sealed class ScriptedSeed : IAsyncDisposable
{
    private readonly ScriptedPeer _peer;
    private readonly TorrentMetainfo _torrent;
    private readonly byte[] _content;
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _run;
    private readonly ConcurrentQueue<(int Piece, int Offset)> _requests = new();
    private int _served;
    private int _cancels;
    private int _corrupted = -1; // CorruptOneBlock: (piece << 16 | block) of the block it flipped, once it has

    public ScriptedSeed(TorrentMetainfo torrent, byte[] content, SeedBehaviour behaviour, IPAddress? address = null)
    {
        _peer = ScriptedPeer.Listen(address);
        _torrent = torrent;
        _content = content;
        Behaviour = behaviour;
        _run = Task.Run(RunAsync);
    }

    public SeedBehaviour Behaviour { get; }
    public IPEndPoint EndPoint => _peer.EndPoint;
    public int BlocksServed => Volatile.Read(ref _served);

    /// <summary>Cancels received (it serves every request at once, so a cancel always comes too late).</summary>
    public int CancelsReceived => Volatile.Read(ref _cancels);

    /// <summary>Every block requested of it, in order.</summary>
    public IReadOnlyCollection<(int Piece, int Offset)> Requests => _requests;

    /// <summary><see cref="SeedBehaviour.CorruptOneBlock"/>: the block it sent wrong (piece, offset), once it has.</summary>
    public (int Piece, int Offset)? Corrupted => Volatile.Read(ref _corrupted) is var c and >= 0 ? (c >> 16, (c & 0xFFFF) * Engine.Core.Primitives.TorrentLayout.BlockSize) : null;

    /// <summary>Set once the engine's connection closed (the engine dropped or banned us).</summary>
    public bool Disconnected { get; private set; }

    private async Task RunAsync()
    {
        try
        {
            await _peer.AcceptAsync(TimeSpan.FromMinutes(5));
            await _peer.ReceiveHandshakeAsync();
            await _peer.SendHandshakeAsync(_torrent.InfoHash, fast: true);
            if (Behaviour == SeedBehaviour.Silent)
            {
                await _peer.SendAsync(HaveNone.Instance);
                Disconnected = await _peer.WaitClosedAsync(TimeSpan.FromMinutes(10));
                return;
            }
            await _peer.SendAsync(HaveAll.Instance);
            while (!_cts.IsCancellationRequested)
            {
                var m = await _peer.ReceiveAsync(TimeSpan.FromMinutes(10));
                switch (m)
                {
                    case null:
                        Disconnected = true;
                        return;
                    case Interested when Behaviour != SeedBehaviour.ChokesForever:
                        await _peer.SendAsync(Unchoke.Instance);
                        break;
                    case HashRequest h:
                        await _peer.SendAsync(Behaviour == SeedBehaviour.Honest && LeavesFor(h.Range) is { } hashes ? new Hashes(h.Range, hashes) : new HashReject(h.Range));
                        break;
                    case Request r:
                        _requests.Enqueue((r.Piece, r.Offset));
                        await _peer.SendRawAsync(PieceFrame(r));
                        Interlocked.Increment(ref _served);
                        break;
                    case Cancel:
                        Interlocked.Increment(ref _cancels);
                        break;
                    case PieceMessage p:
                        p.Data.Release();
                        break;
                }
            }
        }
        catch (Exception) when (_cts.IsCancellationRequested) { }
        catch (IOException) { Disconnected = true; }
        catch (System.Net.Sockets.SocketException) { Disconnected = true; }
    }

    private byte[] PieceFrame(Request r)
    {
        var frame = new byte[13 + r.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, 9 + r.Length);
        frame[4] = (byte)MessageId.Piece;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), r.Piece);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(9), r.Offset);
        var start = _torrent.Layout.PieceOffset(r.Piece) + r.Offset;
        _content.AsSpan((int)start, r.Length).CopyTo(frame.AsSpan(13));
        if (Behaviour == SeedBehaviour.CorruptData) frame[13] ^= 0xFF;
        else if (Behaviour == SeedBehaviour.RandomData) Random.Shared.NextBytes(frame.AsSpan(13));
        else if (Behaviour == SeedBehaviour.CorruptOneBlock && r.Offset > 0
                 && Interlocked.CompareExchange(ref _corrupted, r.Piece << 16 | r.Offset / Engine.Core.Primitives.TorrentLayout.BlockSize, -1) == -1)
            frame[13] ^= 0xFF;
        return frame;
    }

    /// <summary>An honest v2 seed's answer to a leaf-layer hash request (as the engine answers it, <see cref="LeafAnswer"/>); null to reject.</summary>
    private byte[]? LeavesFor(HashRange range)
    {
        if (_torrent.HashSource is not { } pieces || LeafAnswer.Plan(pieces, range) is not { } plan) return null;
        var read = new byte[plan.PieceCount * plan.LeavesPerPiece * MerkleTree.HashLength];
        for (var i = 0; i < plan.PieceCount; i++)
        {
            var piece = plan.FirstPiece + i;
            var data = _content.AsSpan((int)_torrent.Layout.PieceOffset(piece), pieces.DataLength(piece));
            MerkleTree.HashLeaves(data, read.AsSpan(i * plan.LeavesPerPiece * MerkleTree.HashLength));
        }
        return LeafAnswer.Answer(pieces, range, plan, read);
    }

    public async ValueTask DisposeAsync()
    {
        _cts.Cancel();
        await _peer.DisposeAsync();
        try { await _run.WaitAsync(TimeSpan.FromSeconds(5)); }
        catch (Exception) { }
    }
}
