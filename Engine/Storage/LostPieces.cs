namespace Engine.Storage;

/// <summary>
/// Pieces whose verified data is gone (<see cref="DataLostException"/>): every piece of the torrent file that was
/// found missing, truncated or changed, <see cref="First"/> to <see cref="Last"/> inclusive. <see cref="None"/> when
/// a read failed for another reason (the handles closed by a stop).
/// </summary>
internal readonly record struct LostPieces(int First, int Last)
{
    public static readonly LostPieces None = new(-1, -1);

    public bool Any => First >= 0;
}
