namespace Engine.Api;

/// <summary>Message stream encryption (MSE/PE: RC4 after a Diffie–Hellman handshake) on peer connections.</summary>
public enum EncryptionMode
{
    /// <summary>Plain BitTorrent only: encrypted incoming connections are refused, none is dialled.</summary>
    Disabled,

    /// <summary>
    /// Incoming connections plain or encrypted; we dial plain (the default), except a peer that closed a plain connection
    /// before its handshake (it may require encryption): it is dialled encrypted first from then on.
    /// </summary>
    Enabled,

    /// <summary>Incoming plain or encrypted; we dial encrypted first (offering RC4 or plaintext) and plain again if the peer will not.</summary>
    Preferred,

    /// <summary>RC4-encrypted connections only, both ways: a plain handshake or a peer that offers no RC4 is refused.</summary>
    Required,
}
