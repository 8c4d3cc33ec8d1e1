using System.Buffers;
using Akka.Actor;
using Engine.Core.Merkle;
using Engine.Core.Pieces;
using Engine.Core.Storage;

namespace Engine.Storage;

/// <summary>
/// What a torrent with a v2 part learnt after it was added, kept across a restart in the resume record (BEP 52): the
/// piece layers fetched from peers or, for a hybrid, rebuilt from its verified data (<see cref="RebuildLayer"/>) — saved
/// with every record, set again before the start-up check, each checked against its pieces root, so a record of another
/// torrent or a damaged one sets nothing — and a v2-only torrent's pieces held for a layer still unknown (trusted only
/// with the record; a held piece whose layer is known by now is checked at once).
/// </summary>
internal sealed partial class StorageActor
{
    /// <summary>
    /// A hybrid's file (numbered as its v2 half's files with data) whose pieces are all verified and whose piece layer is
    /// unknown: read it back, hash its leaves and take the layer they make when it leads to the file's pieces root (on the
    /// thread pool, at most one read per core). Replies <see cref="LayerRebuilt"/>.
    /// </summary>
    public sealed record RebuildLayer(int File);

    /// <summary><see cref="Ok"/>: the file's layer is known now; false when its bytes do not lead to its pieces root or could not be read (<see cref="NotRead"/>).</summary>
    public sealed record LayerRebuilt(int File, bool Ok)
    {
        public bool NotRead { get; init; }
    }

    private sealed record RebuildOp(IActorRef ReplyTo, int File) : Op(ReplyTo);

    private void Rebuild(RebuildOp op)
    {
        if (_torrent.HashSource is not { } merkle || (uint)op.File >= (uint)merkle.FileCount)
        {
            op.ReplyTo.Tell(new LayerRebuilt(op.File, false));
            return;
        }
        _ = Task.Run(async () =>
        {
            await _hashSlots.WaitAsync().ConfigureAwait(false);
            try
            {
                var layer = _failed ? null : RebuildFromDisk(merkle, op.File);
                op.ReplyTo.Tell(new LayerRebuilt(op.File, layer is not null && merkle.TrySetLayer(op.File, layer)) { NotRead = layer is null });
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                op.ReplyTo.Tell(new LayerRebuilt(op.File, false) { NotRead = true });
            }
            finally { _hashSlots.Release(); }
        });
    }

    /// <summary>The file's piece layer from its bytes on disk; null when the storage failed or closed meanwhile.</summary>
    private byte[]? RebuildFromDisk(MerklePieces merkle, int file)
    {
        var first = merkle.FirstPiece(file);
        var count = merkle.PiecesInFile(file);
        var layer = new byte[count * MerkleTree.HashLength];
        var leaves = ArrayPool<byte>.Shared.Rent(merkle.PieceLength / MerkleTree.BlockSize * MerkleTree.HashLength);
        try
        {
            for (var i = 0; i < count; i++)
            {
                if (_failed || _closed) return null;
                var written = ReadLeaves(merkle, first + i, leaves);
                LayerRebuild.PieceNode(leaves.AsSpan(0, written), merkle.PieceLength, layer.AsSpan(i * MerkleTree.HashLength, MerkleTree.HashLength));
            }
            return layer;
        }
        finally { ArrayPool<byte>.Shared.Return(leaves); }
    }

    private (int File, byte[] Layer)[] LearntLayers()
    {
        if (_torrent.HashSource is not { } merkle) return [];
        var learnt = new List<(int, byte[])>();
        for (var file = 0; file < merkle.FileCount; file++)
            if (merkle.Learnt(file)) learnt.Add((file, merkle.Layer(file).ToArray()));
        return [.. learnt];
    }

    private void RestoreLayers(ResumeState? resume)
    {
        if (resume is null || _torrent.HashSource is not { } merkle || resume.InfoHash != _torrent.InfoHash) return;
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
