using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace Engine.Host.Web.Ui;

/// <summary>Which pieces are verified: <see cref="Bitfield"/> in wire order (piece 0 is the high bit of byte 0).</summary>
public sealed record PieceMapView(int PieceCount, int VerifiedCount, ImmutableArray<byte> Bitfield)
{
    public static PieceMapView Empty { get; } = new(0, 0, ImmutableArray<byte>.Empty);

    public bool Has(int piece) =>
        (uint)piece < (uint)PieceCount && (Bitfield[piece >> 3] & (0x80 >> (piece & 7))) != 0;

    /// <summary>This map with <paramref name="piece"/> verified (the same map when it already was, or is out of range).</summary>
    public PieceMapView With(int piece)
    {
        if ((uint)piece >= (uint)PieceCount || Has(piece)) return this;
        var bytes = Bitfield.ToArray();
        bytes[piece >> 3] |= (byte)(0x80 >> (piece & 7));
        return new PieceMapView(PieceCount, VerifiedCount + 1, ImmutableCollectionsMarshal.AsImmutableArray(bytes));
    }

    /// <summary>
    /// The map folded into at most <paramref name="maxCells"/> cells, each the verified fraction (0..1) of the
    /// consecutive pieces it stands for; one cell per piece when there are few enough.
    /// </summary>
    public double[] Cells(int maxCells)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCells, 1);
        if (PieceCount == 0) return [];
        var count = Math.Min(PieceCount, maxCells);
        var cells = new double[count];
        for (var c = 0; c < count; c++)
        {
            var first = (int)((long)c * PieceCount / count);
            var end = (int)((long)(c + 1) * PieceCount / count);
            var have = 0;
            for (var p = first; p < end; p++)
                if (Has(p)) have++;
            cells[c] = (double)have / (end - first);
        }
        return cells;
    }
}
