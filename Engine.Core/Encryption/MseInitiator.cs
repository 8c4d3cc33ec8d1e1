using System.Buffers.Binary;
using Engine.Core.Primitives;

namespace Engine.Core.Encryption;

/// <summary>
/// The side that dials (A) of an MSE/PE handshake, as a state machine fed with what arrives: <see cref="Start"/> gives
/// Ya and PadA to send; <see cref="Receive"/> takes the responder's bytes and returns what to send next (step 3 once
/// Yb is in), until <see cref="Result"/> is set. It then has found ENCRYPT(VC) within PadB's bound (512 + 8 bytes) and
/// read crypto_select and PadD. Any violation throws <see cref="MseException"/>.
/// </summary>
internal sealed class MseInitiator
{
    private const int MaxPad = 512;

    private enum State { WaitYb, SyncVc, ReadSelect, ReadPadD, Done }

    private readonly InfoHash _skey;
    private readonly byte[] _private;
    private readonly byte[] _padA;
    private readonly MseCrypto _provide;
    private readonly byte[] _initialPayload;
    private readonly MseBuffer _in = new();
    private State _state = State.WaitYb;
    private Rc4? _decrypt, _encrypt;
    private byte[] _vc = [];
    private MseCrypto _selected;
    private int _padD;

    /// <param name="privateKey">Random bytes (20: 160 bits, as the specification suggests).</param>
    /// <param name="padA">Random padding of 0..512 bytes sent after Ya.</param>
    /// <param name="provide">The ciphers we accept: RC4, plaintext, or both.</param>
    /// <param name="initialPayload">IA: bytes sent encrypted inside step 3 (the BitTorrent handshake, to save a round trip), or none.</param>
    public MseInitiator(InfoHash skey, ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> padA, MseCrypto provide, ReadOnlySpan<byte> initialPayload = default)
    {
        if (padA.Length > MaxPad) throw new ArgumentOutOfRangeException(nameof(padA), "padding is at most 512 bytes");
        if ((provide & (MseCrypto.Rc4 | MseCrypto.Plaintext)) == 0) throw new ArgumentException("provide at least one cipher", nameof(provide));
        _skey = skey;
        _private = privateKey.ToArray();
        _padA = padA.ToArray();
        _provide = provide;
        _initialPayload = initialPayload.ToArray();
    }

    public MseResult? Result { get; private set; }

    /// <summary>Ya followed by PadA.</summary>
    public byte[] Start() => [.. MseKeys.PublicKey(_private), .. _padA];

    /// <summary>Takes bytes from the responder; returns what to send now (often nothing).</summary>
    public byte[] Receive(ReadOnlySpan<byte> data)
    {
        if (_state == State.Done) throw new InvalidOperationException("the handshake is over");
        _in.Append(data);
        var send = Array.Empty<byte>();
        while (Step(ref send)) { }
        return send;
    }

    private bool Step(ref byte[] send)
    {
        switch (_state)
        {
            case State.WaitYb when _in.Length >= MseKeys.KeyLength:
                send = StepThree(MseKeys.SharedSecret(_in.Take(MseKeys.KeyLength), _private));
                _state = State.SyncVc;
                return true;
            case State.SyncVc:
                var at = _in.Span.IndexOf(_vc);
                if (at < 0)
                {
                    if (_in.Length >= MaxPad + _vc.Length) throw new MseException("no encrypted verification constant within 520 bytes of the peer's key: not MSE, or another secret");
                    return false;
                }
                _in.Skip(at + _vc.Length);
                _state = State.ReadSelect;
                return true;
            case State.ReadSelect when _in.Length >= 6:
                var fields = _in.Take(6, _decrypt);
                _selected = (MseCrypto)BinaryPrimitives.ReadUInt32BigEndian(fields);
                _padD = BinaryPrimitives.ReadUInt16BigEndian(fields.AsSpan(4));
                if (_selected is not (MseCrypto.Rc4 or MseCrypto.Plaintext) || (_selected & _provide) == 0)
                    throw new MseException($"the peer selected cipher {(uint)_selected}, not one of those we provided");
                if (_padD > MaxPad) throw new MseException($"the peer's padding D is {_padD} bytes (at most 512)");
                _state = State.ReadPadD;
                return true;
            case State.ReadPadD when _in.Length >= _padD:
                _in.Take(_padD, _decrypt);
                var rc4 = _selected == MseCrypto.Rc4;
                Result = new MseResult(_selected, rc4 ? _decrypt : null, rc4 ? _encrypt : null, _skey, [], _in.Take(_in.Length, rc4 ? _decrypt : null));
                _state = State.Done;
                return false;
            default:
                return false;
        }
    }

    /// <summary>HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S), ENCRYPT(VC, crypto_provide, len(PadC), PadC, len(IA), IA).</summary>
    private byte[] StepThree(byte[] secret)
    {
        _encrypt = MseKeys.Cipher(initiatorSends: true, secret, _skey);
        _decrypt = MseKeys.Cipher(initiatorSends: false, secret, _skey);
        _vc = new byte[8];
        _decrypt.Apply(_vc); // ENCRYPT(VC) as the responder will send it; the stream goes on from there
        var req1 = MseKeys.Hash("req1", secret);
        var req2 = MseKeys.Req2(_skey);
        var req3 = MseKeys.Hash("req3", secret);
        for (var i = 0; i < req2.Length; i++) req2[i] ^= req3[i];
        var plain = new byte[8 + 4 + 2 + 2 + _initialPayload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(plain.AsSpan(8), (uint)_provide);
        BinaryPrimitives.WriteUInt16BigEndian(plain.AsSpan(14), (ushort)_initialPayload.Length);
        _initialPayload.CopyTo(plain.AsSpan(16));
        _encrypt.Apply(plain);
        return [.. req1, .. req2, .. plain];
    }
}
