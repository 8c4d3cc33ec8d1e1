using System.Buffers.Binary;
using Engine.Core.Buffers;
using Engine.Core.Primitives;

namespace Engine.Core.Wire;

/// <summary>
/// Turns a byte stream (after the handshake) into <see cref="PeerMessage"/>s, whatever way the stream is
/// cut into chunks. Frames wholly inside a chunk are parsed in place; a partial header waits in a 48-byte
/// scratch buffer; a piece payload is copied once, straight from the chunk into its pooled block as bytes
/// arrive; bitfield, extended and hashes payloads are copied once into the array the message keeps.
/// Framing is checked here (length limit, payload length per id, piece block at most 16 KiB); checks that
/// need the torrent are <see cref="MessageValidator"/>'s. Unknown ids are skipped without buffering.
/// Not thread-safe: one decoder per connection, fed by its reader.
/// </summary>
internal sealed class FrameDecoder : IDisposable
{
    /// <summary>Largest frame by default: a bitfield of 8 Mi pieces, far above any piece frame.</summary>
    public const int DefaultMaxMessageLength = 1024 * 1024 + 13;

    private const int PieceHeaderLength = 8;

    private enum State : byte { Prefix, Id, Fixed, PieceHeader, PieceData, ExtendedId, Bytes, Skip, Failed, Disposed }

    private readonly BlockPool _pool;
    private readonly int _maxMessageLength;
    private readonly byte[] _scratch = new byte[HashRange.WireLength]; // the longest fixed payload: a hash request
    private int _scratchFill;

    private State _state;
    private MessageId _id;
    private int _remaining;          // bytes of the current frame still to come (after what the state consumed)

    private BlockBuffer? _block;     // piece payload being filled
    private int _blockFill, _piece, _offset;

    private byte[]? _bytes;          // bitfield / extended payload being filled
    private int _bytesFill;
    private byte _extendedId;

    private ProtocolViolation? _failure;

    public FrameDecoder(BlockPool pool, int maxMessageLength = DefaultMaxMessageLength)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (maxMessageLength < TorrentLayout.BlockSize + 9)
            throw new ArgumentOutOfRangeException(nameof(maxMessageLength), maxMessageLength,
                $"the maximum must admit a 16 KiB piece frame ({TorrentLayout.BlockSize + 9} bytes after the prefix)");
        _pool = pool;
        _maxMessageLength = maxMessageLength;
    }

    /// <summary>Piece payload bytes received so far (counted as they arrive, for rate meters).</summary>
    public long BytesDecoded { get; private set; }

    /// <summary>All bytes fed so far.</summary>
    public long BytesFed { get; private set; }

    /// <summary>Frames with an unknown id skipped so far.</summary>
    public long SkippedMessages { get; private set; }

    /// <summary>True between frames (nothing buffered).</summary>
    public bool AtFrameBoundary => _state == State.Prefix && _scratchFill == 0;

    /// <summary>
    /// Consumes the whole chunk and appends every completed message to <paramref name="output"/> (the caller
    /// then owns their piece blocks). Returns null, or the first violation: messages before it are still in
    /// <paramref name="output"/>; the decoder is then dead and returns the same violation on every call.
    /// </summary>
    public ProtocolViolation? Feed(ReadOnlySpan<byte> chunk, List<PeerMessage> output)
    {
        ObjectDisposedException.ThrowIf(_state == State.Disposed, this);
        if (_failure is not null) return _failure;
        BytesFed += chunk.Length;
        while (!chunk.IsEmpty)
        {
            ProtocolViolation? violation = null;
            switch (_state)
            {
                case State.Prefix:
                    if (!Gather(ref chunk, 4, out var prefix)) return null;
                    violation = OnPrefix(BinaryPrimitives.ReadUInt32BigEndian(prefix), output);
                    break;
                case State.Id:
                    _id = (MessageId)chunk[0];
                    chunk = chunk[1..];
                    _remaining--;
                    violation = OnId(output);
                    break;
                case State.Fixed:
                    if (!Gather(ref chunk, _remaining, out var body)) return null;
                    output.Add(DecodeFixed(body));
                    _state = State.Prefix;
                    break;
                case State.PieceHeader:
                    if (!Gather(ref chunk, PieceHeaderLength, out var header)) return null;
                    _piece = BinaryPrimitives.ReadInt32BigEndian(header);
                    _offset = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
                    _remaining -= PieceHeaderLength;
                    _block = _pool.Rent(_remaining);
                    _blockFill = 0;
                    _state = State.PieceData;
                    if (_remaining == 0) CompletePiece(output);
                    break;
                case State.PieceData:
                    chunk = FillPiece(chunk, output);
                    break;
                case State.ExtendedId:
                    _extendedId = chunk[0];
                    chunk = chunk[1..];
                    _remaining--;
                    StartBytes(output);
                    break;
                case State.Bytes:
                    chunk = FillBytes(chunk, output);
                    break;
                case State.Skip:
                    var skip = Math.Min(_remaining, chunk.Length);
                    chunk = chunk[skip..];
                    _remaining -= skip;
                    if (_remaining == 0) _state = State.Prefix;
                    break;
                default:
                    throw new InvalidOperationException($"decoder in state {_state}");
            }
            if (violation is not null) return Fail(violation);
        }
        return null;
    }

    /// <summary>Releases a partly received piece block, if any.</summary>
    public void Dispose()
    {
        _block?.Release();
        _block = null;
        _bytes = null;
        _state = State.Disposed;
    }

    // Takes `need` bytes: in place when the chunk has them all and nothing is buffered, else via the scratch buffer.
    private bool Gather(ref ReadOnlySpan<byte> chunk, int need, out ReadOnlySpan<byte> data)
    {
        if (_scratchFill == 0 && chunk.Length >= need)
        {
            data = chunk[..need];
            chunk = chunk[need..];
            return true;
        }
        var take = Math.Min(need - _scratchFill, chunk.Length);
        chunk[..take].CopyTo(_scratch.AsSpan(_scratchFill));
        _scratchFill += take;
        chunk = chunk[take..];
        if (_scratchFill < need)
        {
            data = default;
            return false;
        }
        data = _scratch.AsSpan(0, need);
        _scratchFill = 0;
        return true;
    }

    private ProtocolViolation? OnPrefix(uint length, List<PeerMessage> output)
    {
        if (length == 0)
        {
            output.Add(KeepAlive.Instance);
            return null;
        }
        if (length > (uint)_maxMessageLength)
            return new(ViolationKind.FrameTooLong, $"frame length {length} exceeds the maximum {_maxMessageLength}");
        _remaining = (int)length;
        _state = State.Id;
        return null;
    }

    private ProtocolViolation? OnId(List<PeerMessage> output)
    {
        switch (_id)
        {
            case MessageId.Piece:
                if (_remaining < PieceHeaderLength)
                    return BadLength(PieceHeaderLength, "at least ");
                if (_remaining - PieceHeaderLength > TorrentLayout.BlockSize)
                    return new(ViolationKind.BlockTooLong,
                        $"piece message carries a {_remaining - PieceHeaderLength}-byte block, the most is {TorrentLayout.BlockSize}");
                _state = State.PieceHeader;
                return null;
            case MessageId.Bitfield:
                StartBytes(output);
                return null;
            case MessageId.Extended:
                if (_remaining < 1) return BadLength(1, "at least ");
                _state = State.ExtendedId;
                return null;
            case MessageId.Hashes:
                var hashes = (_remaining - HashRange.WireLength) / HashRange.RootLength;
                if (_remaining < HashRange.WireLength || (_remaining - HashRange.WireLength) % HashRange.RootLength != 0)
                    return new(ViolationKind.BadPayloadLength, $"hashes message carries {_remaining} payload bytes, not 48 + a multiple of 32");
                if (hashes > Hashes.MaxHashes)
                    return new(ViolationKind.BadPayloadLength, $"hashes message carries {hashes} hashes, the most is {Hashes.MaxHashes}");
                StartBytes(output);
                return null;
        }
        var expected = FixedLength(_id);
        if (expected < 0)
        {
            SkippedMessages++;
            _state = _remaining == 0 ? State.Prefix : State.Skip;
            return null;
        }
        if (_remaining != expected) return BadLength(expected, "");
        if (expected == 0)
        {
            output.Add(DecodeFixed(default));
            _state = State.Prefix;
        }
        else
        {
            _state = State.Fixed;
        }
        return null;
    }

    /// <summary>Payload length of a fixed-size message id, or -1 for variable-size and unknown ids.</summary>
    internal static int FixedLength(MessageId id) => id switch
    {
        MessageId.Choke or MessageId.Unchoke or MessageId.Interested or MessageId.NotInterested
            or MessageId.HaveAll or MessageId.HaveNone => 0,
        MessageId.Have or MessageId.Suggest or MessageId.AllowedFast => 4,
        MessageId.Request or MessageId.Cancel or MessageId.Reject => 12,
        MessageId.Port => 2,
        MessageId.HashRequest or MessageId.HashReject => HashRange.WireLength,
        _ => -1,
    };

    private PeerMessage DecodeFixed(ReadOnlySpan<byte> body) => _id switch
    {
        MessageId.Choke => Choke.Instance,
        MessageId.Unchoke => Unchoke.Instance,
        MessageId.Interested => Interested.Instance,
        MessageId.NotInterested => NotInterested.Instance,
        MessageId.HaveAll => HaveAll.Instance,
        MessageId.HaveNone => HaveNone.Instance,
        MessageId.Have => new Have(BinaryPrimitives.ReadInt32BigEndian(body)),
        MessageId.Suggest => new Suggest(BinaryPrimitives.ReadInt32BigEndian(body)),
        MessageId.AllowedFast => new AllowedFast(BinaryPrimitives.ReadInt32BigEndian(body)),
        MessageId.Port => new Port(BinaryPrimitives.ReadUInt16BigEndian(body)),
        MessageId.Request => new Request(Int(body, 0), Int(body, 4), Int(body, 8)),
        MessageId.Cancel => new Cancel(Int(body, 0), Int(body, 4), Int(body, 8)),
        MessageId.Reject => new Reject(Int(body, 0), Int(body, 4), Int(body, 8)),
        MessageId.HashRequest => new HashRequest(HashRange.Read(body)),
        MessageId.HashReject => new HashReject(HashRange.Read(body)),
        _ => throw new InvalidOperationException($"message id {_id} is not fixed-size"),
    };

    private static int Int(ReadOnlySpan<byte> body, int at) => BinaryPrimitives.ReadInt32BigEndian(body[at..]);

    private ReadOnlySpan<byte> FillPiece(ReadOnlySpan<byte> chunk, List<PeerMessage> output)
    {
        var take = Math.Min(_remaining - _blockFill, chunk.Length);
        chunk[..take].CopyTo(_block!.Array.AsSpan(_blockFill));
        _blockFill += take;
        BytesDecoded += take;
        if (_blockFill == _remaining) CompletePiece(output);
        return chunk[take..];
    }

    private void CompletePiece(List<PeerMessage> output)
    {
        output.Add(new PieceMessage(_piece, _offset, _block!));
        _block = null;
        _state = State.Prefix;
    }

    private void StartBytes(List<PeerMessage> output)
    {
        _bytes = _remaining == 0 ? [] : GC.AllocateUninitializedArray<byte>(_remaining);
        _bytesFill = 0;
        _state = State.Bytes;
        if (_remaining == 0) CompleteBytes(output);
    }

    private ReadOnlySpan<byte> FillBytes(ReadOnlySpan<byte> chunk, List<PeerMessage> output)
    {
        var take = Math.Min(_remaining - _bytesFill, chunk.Length);
        chunk[..take].CopyTo(_bytes.AsSpan(_bytesFill));
        _bytesFill += take;
        if (_bytesFill == _remaining) CompleteBytes(output);
        return chunk[take..];
    }

    private void CompleteBytes(List<PeerMessage> output)
    {
        output.Add(_id switch
        {
            MessageId.Bitfield => new BitfieldMessage(_bytes!),
            MessageId.Hashes => new Hashes(HashRange.Read(_bytes!), _bytes.AsSpan(HashRange.WireLength).ToArray()),
            _ => new Extended(_extendedId, _bytes!),
        });
        _bytes = null;
        _state = State.Prefix;
    }

    private ProtocolViolation BadLength(int expected, string qualifier) =>
        new(ViolationKind.BadPayloadLength,
            $"{Name(_id)} message carries {_remaining} payload bytes, expected {qualifier}{expected}");

    internal static string Name(MessageId id) => id switch
    {
        MessageId.NotInterested => "not interested",
        MessageId.HaveAll => "have all",
        MessageId.HaveNone => "have none",
        MessageId.AllowedFast => "allowed fast",
        MessageId.HashRequest => "hash request",
        MessageId.HashReject => "hash reject",
        _ => id.ToString().ToLowerInvariant(),
    };

    private ProtocolViolation Fail(ProtocolViolation violation)
    {
        _failure = violation;
        _state = State.Failed;
        return violation;
    }
}
