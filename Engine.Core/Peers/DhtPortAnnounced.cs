namespace Engine.Core.Peers;

/// <summary>A peer's <c>port</c> message (BEP 5): its DHT node listens on this UDP port at the peer's address.</summary>
internal sealed record DhtPortAnnounced(int Port);
