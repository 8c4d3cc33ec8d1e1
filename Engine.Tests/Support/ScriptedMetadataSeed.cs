using System.Net.Sockets;
using System.Net;
using Engine.Core.Buffers;
using Engine.Core.Extensions;
using Engine.Core.Metadata;
using Engine.Core.Primitives;
using Engine.Core.Wire;

namespace Engine.Tests.Support;

/// <summary>How a <see cref="ScriptedMetadataSeed"/> answers metadata requests.</summary>
public enum MetadataBehaviour
{
    /// <summary>Serves the real info dictionary.</summary>
    Honest,
    /// <summary>Serves bytes of the right size that do not hash to the info-hash.</summary>
    Corrupt,
    /// <summary>Rejects every request.</summary>
    Reject,
    /// <summary>Handshakes without the extension bit.</summary>
    NoExtensions,
    /// <summary>Claims a metadata_size beyond the limit.</summary>
    Oversized,
    /// <summary>Serves the real info dictionary, with a have message after its extension handshake and after each piece it sends.</summary>
    Chatty,
}

/// <summary>
/// A peer on 127.0.0.1 that only serves a torrent's metadata over BEP 9 (it has no pieces), behaving as
/// <see cref="MetadataBehaviour"/> says. Accepts any number of connections until disposed; counts the requests it got.
/// </summary>
internal sealed class ScriptedMetadataSeed : IAsyncDisposable
{
    private const byte TheirMetadataId = 7;

    /// <summary>The piece a <see cref="MetadataBehaviour.Chatty"/> seed says it has first; after metadata piece k, it says it has this + 1 + k.</summary>
    public const int ChattyFirstHave = 100;
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _cts = new();
    private readonly byte[] _info;
    private readonly InfoHash _infoHash;
    private readonly MetadataBehaviour _behaviour;
    private readonly Task _loop;
    private int _requests, _connections;
    private readonly TaskCompletionSource _answering = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="holdAnswers">Requests wait for <see cref="Answer"/> (so that a test sees the state before the metadata).</param>
    public ScriptedMetadataSeed(ReadOnlyMemory<byte> info, InfoHash infoHash, MetadataBehaviour behaviour = MetadataBehaviour.Honest, bool holdAnswers = false)
    {
        _info = info.ToArray();
        _infoHash = infoHash;
        _behaviour = behaviour;
        if (!holdAnswers) _answering.SetResult();
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        _loop = Task.Run(AcceptLoop);
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Lets held requests be answered.</summary>
    public void Answer() => _answering.TrySetResult();
    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptLoop()
    {
        while (!_cts.IsCancellationRequested)
        {
            Socket s;
            try { s = await _listener.AcceptAsync(_cts.Token); }
            catch (Exception) { return; }
            Interlocked.Increment(ref _connections);
            _ = Task.Run(() => Serve(s));
        }
    }

    private async Task Serve(Socket socket)
    {
        using var _ = socket;
        using var decoder = new FrameDecoder(new BlockPool(4));
        try
        {
            var hs = new byte[Handshake.Length];
            for (var filled = 0; filled < hs.Length;)
            {
                var n = await socket.ReceiveAsync(hs.AsMemory(filled), SocketFlags.None, _cts.Token);
                if (n == 0) return;
                filled += n;
            }
            var id = PeerId.FromBytes("-TS0001-metadataseed"u8);
            await Send(socket, new Handshake(_infoHash, id, supportsExtensions: _behaviour != MetadataBehaviour.NoExtensions, supportsFast: false).ToArray());
            if (_behaviour == MetadataBehaviour.NoExtensions)
            {
                await Task.Delay(5000, _cts.Token);
                return;
            }
            var size = _behaviour == MetadataBehaviour.Oversized ? MetadataCodec.MaxMetadataSize + 1 : _info.Length;
            var hello = new ExtensionHandshake(new Dictionary<string, int> { ["ut_metadata"] = TheirMetadataId }, MetadataSize: size, Client: "scripted");
            await Send(socket, MessageWriter.Encode(new Extended(0, hello.Encode())));
            if (_behaviour == MetadataBehaviour.Chatty) await Send(socket, MessageWriter.Encode(new Have(ChattyFirstHave)));
            byte ourId = 0;
            var buffer = new byte[64 * 1024];
            var messages = new List<PeerMessage>();
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, _cts.Token);
                if (n == 0 || decoder.Feed(buffer.AsSpan(0, n), messages) is not null) return;
                foreach (var m in messages)
                {
                    if (m is not Extended ext) continue;
                    if (ext.ExtendedId == 0)
                    {
                        ourId = (byte)(ExtensionHandshake.Decode(ext.Payload).IdOf("ut_metadata") ?? 0);
                        continue;
                    }
                    if (ext.ExtendedId != TheirMetadataId) continue;
                    var request = MetadataCodec.Decode(ext.Payload);
                    if (request.Type != MetadataMessageType.Request) continue;
                    Interlocked.Increment(ref _requests);
                    await _answering.Task.WaitAsync(TimeSpan.FromSeconds(30));
                    byte[] reply;
                    if (_behaviour == MetadataBehaviour.Reject) reply = MetadataCodec.EncodeReject(request.Piece);
                    else
                    {
                        var start = request.Piece * MetadataCodec.PieceSize;
                        var piece = _info.AsSpan(start, MetadataCodec.PieceLength(request.Piece, _info.Length)).ToArray();
                        if (_behaviour == MetadataBehaviour.Corrupt) piece[0] ^= 0xFF;
                        reply = MetadataCodec.EncodeData(request.Piece, _info.Length, piece);
                    }
                    await Send(socket, MessageWriter.Encode(new Extended(ourId, reply)));
                    if (_behaviour == MetadataBehaviour.Chatty) await Send(socket, MessageWriter.Encode(new Have(ChattyFirstHave + 1 + request.Piece)));
                }
                messages.Clear();
            }
        }
        catch (Exception) { /* the other side went away or we are disposed */ }
    }

    private async Task Send(Socket socket, byte[] bytes)
    {
        for (var sent = 0; sent < bytes.Length;)
            sent += await socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None, _cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        _cts.Cancel();
        _listener.Dispose();
        await _loop;
    }
}
