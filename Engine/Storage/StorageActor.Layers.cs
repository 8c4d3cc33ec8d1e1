using Engine.Core.Pieces;
using Engine.Core.Storage;

namespace Engine.Storage;

/// <summary>
/// What a v2-only torrent learnt from peers, kept across a restart in the resume record (BEP 52): the piece layers
/// fetched (saved with every record, set again before the start-up check — each checked against its pieces root, so
/// a record of another torrent or a damaged one sets nothing) and the pieces held for a layer still unknown (trusted
/// only with the record; a held piece whose layer is known by now is checked at once).
/// </summary>
internal sealed partial class StorageActor
{
    private (int File, byte[] Layer)[] LearntLayers()
    {
        if (_torrent.Merkle is not { } merkle) return [];
        var learnt = new List<(int, byte[])>();
        for (var file = 0; file < merkle.FileCount; file++)
            if (merkle.Learnt(file)) learnt.Add((file, merkle.Layer(file).ToArray()));
        return [.. learnt];
    }

    private void RestoreLayers(ResumeState? resume)
    {
        if (resume is null || _torrent.Merkle is not { } merkle || resume.InfoHash != _torrent.InfoHash) return;
        foreach (var (file, layer) in resume.Layers)
            if (file < merkle.FileCount && merkle.Layer(file).IsEmpty) merkle.TrySetLayer(file, layer);
    }

    /// <summary>The record's held pieces whose layer is still unknown; those whose layer is known now are checked, and verified into <paramref name="verified"/> when right.</summary>
    private Bitfield? StillHeld(ResumeState resume, Bitfield verified)
    {
        if (_torrent.Merkle is not { } merkle || resume.Held.Length == 0) return null;
        var held = Bitfield.FromWire(resume.Held, _torrent.Layout.PieceCount);
        for (var piece = held.NextSet(0); piece >= 0; piece = held.NextSet(piece + 1))
        {
            if (verified[piece] || merkle.HasHash(piece))
            {
                held[piece] = false;
                if (!verified[piece] && HashMatches(piece)) verified[piece] = true;
            }
        }
        return held.NoneSet ? null : held;
    }
}
