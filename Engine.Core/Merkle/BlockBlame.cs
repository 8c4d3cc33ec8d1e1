namespace Engine.Core.Merkle;

/// <summary>
/// What the leaves of a failed piece proved (<see cref="BadBlocks.Judge{TPeer}"/>): the blocks whose bytes differ from
/// their leaf (<see cref="Bad"/>, to be fetched again; the others are right and kept), the peers that sent one of them
/// (<see cref="Guilty"/>: proof, not suspicion) and the peers that sent only right blocks (<see cref="Cleared"/>).
/// No bad block (<see cref="Found"/> false) means the leaves do not explain the failure: the caller falls back to
/// fetching the whole piece again.
/// </summary>
internal sealed record BlockBlame<TPeer>(IReadOnlyList<int> Bad, IReadOnlyList<TPeer> Guilty, IReadOnlyList<TPeer> Cleared)
{
    public static readonly BlockBlame<TPeer> None = new([], [], []);

    public bool Found => Bad.Count > 0;
}
