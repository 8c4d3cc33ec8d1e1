using Engine.Core.Pieces;
using Engine.Core.Primitives;

namespace Engine.Tests.Core.Pieces;

/// <summary>The endgame tests' torrent: 6 pieces of 4 blocks, peers that have all of it, and a checked pick.</summary>
internal static class SixPieceTorrent
{
    public const int Blocks = 24;
    public static readonly TorrentLayout Layout = new(6L * 4 * TorrentLayout.BlockSize, 4 * TorrentLayout.BlockSize);

    public static Bitfield All()
    {
        var field = new Bitfield(Layout.PieceCount);
        field.SetAll();
        return field;
    }

    /// <summary>A picker with nothing yet and these peers, each having every piece.</summary>
    public static PiecePicker NewPicker(int maxDuplicates, params int[] peers)
    {
        var picker = new PiecePicker(Layout, new Bitfield(Layout.PieceCount), new Random(7), randomFirstPieces: 0, maxDuplicatesPerPeer: maxDuplicates);
        foreach (var peer in peers) picker.PeerAdded(peer, All());
        return picker;
    }

    /// <summary>Up to <paramref name="max"/> blocks claimed by the peer, the picker's invariants checked after.</summary>
    public static BlockRequest[] Pick(PiecePicker picker, int peer, int max)
    {
        var buffer = new BlockRequest[max];
        var n = picker.Pick(peer, All(), buffer);
        picker.CheckInvariants();
        return buffer[..n];
    }
}
