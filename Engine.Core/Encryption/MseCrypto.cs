namespace Engine.Core.Encryption;

/// <summary>The stream ciphers of an MSE handshake's crypto_provide/crypto_select field.</summary>
[Flags]
internal enum MseCrypto : uint
{
    None = 0,
    Plaintext = 1,
    Rc4 = 2,
}
