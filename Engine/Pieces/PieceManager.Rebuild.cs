using Akka.Actor;
using Akka.Event;
using Engine.Core.Merkle;
using Engine.Storage;

namespace Engine.Pieces;

/// <summary>
/// A hybrid torrent that came without piece layers (added by magnet) rebuilds them from its own data, as libtorrent does
/// (it asks no peer for them): once every piece of a file is verified by its v1 hash, storage reads the file back and
/// takes the layer its leaves make when it leads to the file's pieces root (<see cref="LayerRebuild"/>,
/// <see cref="StorageActor.RebuildLayer"/>) — at start for the files already complete, then as each file completes. The
/// layer goes into the resume record, and v2 peers' hash requests for the file are answered from then on. A v2-only
/// torrent needs its layers before it can verify anything: it asks peers for them (PieceManager.Layers.cs).
/// </summary>
internal sealed partial class PieceManager
{
    private HashSet<int>? _rebuilding; // files asked of storage (and not asked again this run)

    /// <summary>A hybrid's v2 half whose layers can be rebuilt from verified data; null otherwise.</summary>
    private MerklePieces? Rebuildable => _merkle is null && _leaves is { MissingLayers: > 0 } hybrid ? hybrid : null;

    /// <summary>At start: every file already complete whose layer is unknown (a finished torrent, or one resumed).</summary>
    private void RebuildCompleteFiles()
    {
        if (Rebuildable is not { } hybrid) return;
        foreach (var file in LayerRebuild.Ready(hybrid, _picker.Have)) AskRebuild(file);
    }

    /// <summary>After <paramref name="piece"/> is verified: its file's layer when this completed the file.</summary>
    private void RebuildAfter(int piece)
    {
        if (Rebuildable is not { } hybrid) return;
        var file = LayerRebuild.CompletedBy(hybrid, _picker.Have, piece);
        if (file >= 0) AskRebuild(file);
    }

    private void AskRebuild(int file)
    {
        if (!(_rebuilding ??= []).Add(file)) return;
        _storage.Tell(new StorageActor.RebuildLayer(file));
    }

    private void OnLayerRebuilt(StorageActor.LayerRebuilt m)
    {
        var log = Context.GetLogger();
        if (m.Ok)
        {
            log.Info("piece layer of file {0} rebuilt from its verified data ({1} still missing)", m.File, _leaves!.MissingLayers);
            SaveSoon(); // the resume record keeps it
            return;
        }
        if (m.NotRead)
        {
            _rebuilding?.Remove(m.File); // asked again when the torrent starts next
            return;
        }
        if (_leaves!.Layer(m.File).IsEmpty)
            log.Warning("file {0}'s verified data does not lead to its v2 pieces root: the torrent's v1 and v2 halves disagree; its hash requests stay unanswered", m.File);
    }
}
