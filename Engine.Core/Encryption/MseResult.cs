using Engine.Core.Primitives;

namespace Engine.Core.Encryption;

/// <summary>
/// A finished MSE handshake: the cipher chosen, the two RC4 streams when it is RC4 (null for plaintext), the torrent
/// (SKEY), the initiator's initial payload (IA, decrypted; the responder's side only), and the bytes that arrived after
/// the handshake — already decrypted — which are the start of the BitTorrent stream.
/// </summary>
internal sealed record MseResult(MseCrypto Selected, Rc4? Decrypt, Rc4? Encrypt, InfoHash InfoHash, byte[] InitialPayload, byte[] Leftover);
