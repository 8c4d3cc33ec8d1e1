namespace Engine.Core.Wire;

/// <summary>
/// A decoded peer wire message. Messages are immutable records and double as actor messages.
/// Encode with <see cref="MessageWriter"/>, decode with <see cref="FrameDecoder"/>, check against the
/// torrent with <see cref="MessageValidator"/>.
/// </summary>
internal abstract record PeerMessage;
