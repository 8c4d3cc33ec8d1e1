namespace Engine.Tests.Scenarios.Kit;

/// <summary>How a <see cref="ScriptedSeed"/> behaves once connected.</summary>
public enum SeedBehaviour
{
    /// <summary>Has every piece, unchokes whoever is interested, serves requests with the right bytes, and a v2 torrent's leaf-layer hash requests.</summary>
    Honest,
    /// <summary>Like <see cref="Honest"/>, but every block it sends has one byte flipped (its pieces fail the hash check).</summary>
    CorruptData,
    /// <summary>
    /// Like <see cref="Honest"/>, but the first block it serves that does not start its piece has one byte flipped (its
    /// piece fails the hash check); every other block is right. Rejects BEP 52 hash requests.
    /// </summary>
    CorruptOneBlock,
    /// <summary>Like <see cref="Honest"/>, but answers every request with random bytes.</summary>
    RandomData,
    /// <summary>Handshakes, says it has nothing, and then never sends another byte.</summary>
    Silent,
    /// <summary>Has every piece and accepts interest, but never unchokes.</summary>
    ChokesForever,
}
