namespace Engine.Core.Peers;

/// <summary>What <see cref="ConnectionHygiene.ChooseTurnover"/> needs to know of one connected peer.</summary>
/// <param name="Key">The caller's name for the connection.</param>
/// <param name="LastActive">When a block last went either way (the connection's start when none ever did).</param>
internal readonly record struct SlotPeer(int Key, bool PeerInterested, bool AmInterested, DateTimeOffset ConnectedAt, DateTimeOffset LastActive);
