namespace Engine.Core.Metadata;

/// <summary>Tunables of magnet metadata fetching.</summary>
internal sealed record MetadataSettings
{
    /// <summary>Peers asked at the same time.</summary>
    public int ParallelPeers { get; init; } = 4;

    /// <summary>One peer's whole exchange (connect to verified metadata) must finish within this.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a peer that failed waits before it is asked again.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest frame accepted (a metadata piece is 16 KiB plus its header; a bitfield may be larger).</summary>
    public int MaxMessageLength { get; init; } = 1024 * 1024 + 13;
}
