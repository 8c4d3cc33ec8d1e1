namespace Engine.Core.Encryption;

/// <summary>An MSE handshake that cannot go on: the message says why (a key out of range, no synchronisation within the padding's bound, an unknown torrent, no common cipher).</summary>
internal sealed class MseException(string message) : Exception(message);
