using System.Buffers.Binary;
using Engine.Core.Primitives;

namespace Engine.Core.Encryption;

/// <summary>
/// The side that accepted the connection (B) of an MSE/PE handshake, fed with what arrives: Ya (answered with Yb and
/// PadB), then HASH('req1', S) found within PadA's bound (512 + 20 bytes), the torrent recognised by
/// HASH('req2', SKEY) xor HASH('req3', S) (<c>findTorrent</c> maps HASH('req2', SKEY) to the info-hash), then VC,
/// crypto_provide, PadC and IA decrypted; it answers ENCRYPT(VC, crypto_select, len(PadD), PadD) and sets
/// <see cref="Result"/>. Any violation throws <see cref="MseException"/>.
/// </summary>
internal sealed class MseResponder
{
    private const int MaxPad = 512;

    /// <summary>The largest initial payload taken (a BitTorrent handshake is 68 bytes; extensions may follow it).</summary>
    public const int MaxInitialPayload = 16 * 1024;

    private enum State { WaitYa, SyncReq1, ReadSkey, ReadProvide, ReadPadC, ReadIaLength, ReadIa, Done }

    private readonly Func<byte[], InfoHash?> _findTorrent;
    private readonly byte[] _private;
    private readonly byte[] _padB;
    private readonly MseCrypto _allowed;
    private readonly bool _preferRc4;
    private readonly MseBuffer _in = new();
    private State _state = State.WaitYa;
    private byte[] _secret = [], _req1 = [];
    private InfoHash _skey;
    private Rc4? _decrypt, _encrypt;
    private MseCrypto _provided;
    private int _length;

    /// <param name="allowed">The ciphers we accept (RC4 only when encryption is required).</param>
    /// <param name="preferRc4">With both provided and allowed: RC4 (true) or plaintext.</param>
    public MseResponder(Func<byte[], InfoHash?> findTorrent, ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> padB, MseCrypto allowed, bool preferRc4 = true)
    {
        if (padB.Length > MaxPad) throw new ArgumentOutOfRangeException(nameof(padB), "padding is at most 512 bytes");
        _findTorrent = findTorrent;
        _private = privateKey.ToArray();
        _padB = padB.ToArray();
        _allowed = allowed;
        _preferRc4 = preferRc4;
    }

    public MseResult? Result { get; private set; }

    /// <summary>Takes bytes from the initiator; returns what to send now (often nothing).</summary>
    public byte[] Receive(ReadOnlySpan<byte> data)
    {
        if (_state == State.Done) throw new InvalidOperationException("the handshake is over");
        _in.Append(data);
        var send = new List<byte>();
        while (Step(send)) { }
        return send.ToArray();
    }

    private bool Step(List<byte> send)
    {
        switch (_state)
        {
            case State.WaitYa when _in.Length >= MseKeys.KeyLength:
                _secret = MseKeys.SharedSecret(_in.Take(MseKeys.KeyLength), _private);
                _req1 = MseKeys.Hash("req1", _secret);
                send.AddRange(MseKeys.PublicKey(_private));
                send.AddRange(_padB);
                _state = State.SyncReq1;
                return true;
            case State.SyncReq1:
                var at = _in.Span.IndexOf(_req1);
                if (at < 0)
                {
                    if (_in.Length >= MaxPad + _req1.Length) throw new MseException("no HASH('req1', S) within 532 bytes of the peer's key: not MSE, or another secret");
                    return false;
                }
                _in.Skip(at + _req1.Length);
                _state = State.ReadSkey;
                return true;
            case State.ReadSkey when _in.Length >= 20:
                var req2 = _in.Take(20);
                var req3 = MseKeys.Hash("req3", _secret);
                for (var i = 0; i < 20; i++) req2[i] ^= req3[i];
                _skey = _findTorrent(req2) ?? throw new MseException("the peer asked for a torrent we do not have");
                _decrypt = MseKeys.Cipher(initiatorSends: true, _secret, _skey);
                _encrypt = MseKeys.Cipher(initiatorSends: false, _secret, _skey);
                _state = State.ReadProvide;
                return true;
            case State.ReadProvide when _in.Length >= 14:
                var fields = _in.Take(14, _decrypt);
                if (BinaryPrimitives.ReadUInt64BigEndian(fields) != 0) throw new MseException("the verification constant does not decrypt to zeros");
                _provided = (MseCrypto)BinaryPrimitives.ReadUInt32BigEndian(fields.AsSpan(8));
                _length = BinaryPrimitives.ReadUInt16BigEndian(fields.AsSpan(12));
                if (_length > MaxPad) throw new MseException($"the peer's padding C is {_length} bytes (at most 512)");
                _state = State.ReadPadC;
                return true;
            case State.ReadPadC when _in.Length >= _length:
                _in.Take(_length, _decrypt);
                _state = State.ReadIaLength;
                return true;
            case State.ReadIaLength when _in.Length >= 2:
                _length = BinaryPrimitives.ReadUInt16BigEndian(_in.Take(2, _decrypt));
                if (_length > MaxInitialPayload) throw new MseException($"the peer's initial payload is {_length} bytes (at most {MaxInitialPayload})");
                _state = State.ReadIa;
                return true;
            case State.ReadIa when _in.Length >= _length:
                var ia = _in.Take(_length, _decrypt);
                send.AddRange(Select());
                var rc4 = Selected == MseCrypto.Rc4;
                Result = new MseResult(Selected, rc4 ? _decrypt : null, rc4 ? _encrypt : null, _skey, ia, _in.Take(_in.Length, rc4 ? _decrypt : null));
                _state = State.Done;
                return false;
            default:
                return false;
        }
    }

    private MseCrypto Selected { get; set; }

    /// <summary>Chooses the cipher and returns ENCRYPT(VC, crypto_select, len(PadD) = 0).</summary>
    private byte[] Select()
    {
        var common = _provided & _allowed & (MseCrypto.Rc4 | MseCrypto.Plaintext);
        Selected = common switch
        {
            MseCrypto.None => throw new MseException($"no cipher in common: the peer provides {(uint)_provided}, we allow {(uint)_allowed}"),
            MseCrypto.Rc4 | MseCrypto.Plaintext => _preferRc4 ? MseCrypto.Rc4 : MseCrypto.Plaintext,
            _ => common,
        };
        var answer = new byte[8 + 4 + 2];
        BinaryPrimitives.WriteUInt32BigEndian(answer.AsSpan(8), (uint)Selected);
        _encrypt!.Apply(answer);
        return answer;
    }
}
