namespace Engine.Core.Pieces;

/// <summary>
/// What <see cref="SmartBan{TPeer}"/> concluded from a piece's verdict: <see cref="Guilty"/> peers are to be banned (a
/// block they sent differs from the good copy, or they alone sent two pieces that failed); <see cref="Cleared"/> peers
/// sent a failed piece's blocks that turned out to be right, and no longer count as suspects for it.
/// </summary>
internal sealed record SmartBanVerdict<TPeer>(IReadOnlyList<TPeer> Guilty, IReadOnlyList<TPeer> Cleared)
{
    public static readonly SmartBanVerdict<TPeer> None = new([], []);

    public bool IsEmpty => Guilty.Count == 0 && Cleared.Count == 0;
}
