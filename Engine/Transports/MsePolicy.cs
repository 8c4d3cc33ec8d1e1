using Engine.Core.Encryption;

namespace Engine.Transports;

/// <summary>
/// What the engine's encryption setting means for connections: whether encrypted and plain incoming handshakes are
/// accepted, what an outgoing one offers (<see cref="MseCrypto.None"/>: dial plain), and whether a failed encrypted dial
/// is tried again plain.
/// </summary>
internal sealed record MsePolicy(bool AcceptEncrypted, bool AcceptPlain, MseCrypto DialOffer, bool DialFallback)
{
    /// <summary>Plain BitTorrent only.</summary>
    public static readonly MsePolicy Off = new(false, true, MseCrypto.None, false);

    /// <summary>
    /// For a peer whose plain connection closed before its handshake (it may require encryption, as libtorrent's and
    /// rtorrent's "forced" settings do): encrypted first, offering RC4 or plaintext, and plain again if refused. Null
    /// when the policy dials encrypted already, or accepts no encryption.
    /// </summary>
    public MsePolicy? EncryptFirst => DialOffer == MseCrypto.None && AcceptEncrypted ? this with { DialOffer = MseCrypto.Rc4 | MseCrypto.Plaintext, DialFallback = true } : null;

    /// <summary>The ciphers an incoming encrypted handshake may choose: RC4, and plaintext unless only encrypted connections are accepted.</summary>
    public MseCrypto Allowed => AcceptPlain ? MseCrypto.Rc4 | MseCrypto.Plaintext : MseCrypto.Rc4;
}
