using Akka.Actor;
using Engine.Buffers;
using Engine.Core.Buffers;
using Engine.Core.Primitives;
using Engine.Core.WebSeeds;
using Engine.Limits;

namespace Engine.WebSeeds;

/// <summary>What the web seeds of one torrent share: its geometry and files, the PieceManager, buffers and the download limit.</summary>
internal sealed record WebSeedContext(TorrentLayout Layout, WebSeedFiles Files, IActorRef PieceManager, BlockPool Pool, WebSeedSettings Settings)
{
    /// <summary>The torrent's web seeds (<c>url-list</c>); only absolute http and https URLs are used.</summary>
    public IReadOnlyList<string> Urls { get; init; } = [];

    /// <summary>The torrent's and the engine's download buckets (as peers' read loops wait on them).</summary>
    public Throttle Download { get; init; } = Throttle.None;

    /// <summary>The engine-wide cap on received blocks waiting for the disk; null: none.</summary>
    public DiskBudget? DiskBudget { get; init; }

    /// <summary>Blocks one web seed may hold waiting for the disk.</summary>
    public int DiskCreditBlocks { get; init; } = 256;
}
