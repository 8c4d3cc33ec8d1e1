namespace Engine.Core.WebSeeds;

/// <summary>
/// One HTTP range request of a web seed's run: <paramref name="Length"/> bytes of file <paramref name="File"/> from
/// <paramref name="FileOffset"/>. A padding file (BEP 47) is never asked for: its range has <see cref="IsZeros"/>
/// and the caller fills it with zeros.
/// </summary>
internal readonly record struct WebSeedRange(int File, long FileOffset, int Length, bool IsZeros)
{
    /// <summary>The last byte of the range, as a <c>Range: bytes=first-last</c> header names it.</summary>
    public long LastByte => FileOffset + Length - 1;

    public override string ToString() => IsZeros ? $"zeros+{Length}" : $"file {File} bytes={FileOffset}-{LastByte}";
}
