using System.Buffers.Binary;
using System.Net;
using Engine.Core.Metainfo;
using Engine.Core.Wire;
using Engine.Tests.Support;

namespace Engine.Tests.Scenarios.Kit;

/// <summary>
/// A remote seed played by the test (built on <see cref="ScriptedPeer"/>): it listens on 127.0.0.1 (or a lab address), takes one
/// connection, and behaves as <see cref="SeedBehaviour"/> says. Give <see cref="EndPoint"/> to a torrent
/// (<see cref="Engine.Api.TorrentHandle.AddPeers"/>) so that the engine dials it. Counts the blocks it served.
/// </summary>
public sealed class ScriptedSeed : IAsyncDisposable
{
    private readonly ScriptedPeer _peer;
    private readonly TorrentMetainfo _torrent;
    private readonly byte[] _content;
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _run;
    private int _served;
    private int _cancels;

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
                    case Request r:
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
        return frame;
    }

    public async ValueTask DisposeAsync()
    {
        _cts.Cancel();
        await _peer.DisposeAsync();
        try { await _run.WaitAsync(TimeSpan.FromSeconds(5)); }
        catch (Exception) { }
    }
}
