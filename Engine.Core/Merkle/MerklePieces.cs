namespace Engine.Core.Merkle;

/// <summary>
/// The pieces of a v2-only torrent and what each is checked against (BEP 52). Pieces are aligned to files: each
/// file with data has its own run of pieces, in torrent order (empty files have none), and a piece holds the bytes
/// of one file only (the rest of its last piece is padding, which is not hashed). A piece of a file longer than
/// one piece is checked against its entry of the file's piece layer (the root over the piece's 16 KiB leaves,
/// zero leaves past the end of the file); a file no longer than one piece is one piece checked against its
/// pieces root. Layers can be learnt later (<see cref="TrySetLayer"/>: checked against the root first, e.g. assembled
/// from peers' answers by <see cref="LayerAssembly"/>); a piece whose layer is unknown cannot be checked yet. A layer
/// is set once, as a whole: the checks may run on any thread meanwhile.
/// </summary>
internal sealed class MerklePieces
{
    private readonly MerkleFile[] _files;
    private readonly int[] _firstPiece;
    private readonly byte[]?[] _layers;  // a reference each: set once, read from any thread
    private readonly LayerTree?[] _trees; // built on the first hash request for the file, then shared

    /// <param name="files">The torrent's files in order; empty ones are skipped.</param>
    /// <param name="pieceLength">A power of two, at least 16 KiB.</param>
    /// <exception cref="ArgumentException">A layer of the wrong length or that does not hash to its root.</exception>
    public MerklePieces(IReadOnlyList<MerkleFile> files, int pieceLength)
    {
        if (pieceLength < MerkleTree.BlockSize || (pieceLength & (pieceLength - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(pieceLength), $"piece length {pieceLength} is not a power of two of at least 16 KiB");
        PieceLength = pieceLength;
        var withData = new List<MerkleFile>(files.Count);
        foreach (var f in files)
            if (f.Length > 0) withData.Add(f);
        _files = [.. withData];
        _firstPiece = new int[_files.Length];
        _layers = new byte[]?[_files.Length];
        _trees = new LayerTree?[_files.Length];
        long next = 0;
        for (var i = 0; i < _files.Length; i++)
        {
            _firstPiece[i] = checked((int)next);
            next += PiecesOf(_files[i].Length);
            if (!_files[i].Layer.IsEmpty && !TrySetLayer(i, _files[i].Layer.Span))
                throw new ArgumentException($"the piece layer of file {i} does not match its pieces root", nameof(files));
        }
        PieceCount = checked((int)next);
    }

    public int PieceLength { get; }
    public int PieceCount { get; }

    /// <summary>Files with data (the numbering of <see cref="Locate"/>, <see cref="Layer"/> and <see cref="TrySetLayer"/>).</summary>
    public int FileCount => _files.Length;

    /// <summary>Files longer than one piece whose piece layer is not known.</summary>
    public int MissingLayers
    {
        get
        {
            var missing = 0;
            for (var i = 0; i < _files.Length; i++)
                if (NeedsLayer(i) && Volatile.Read(ref _layers[i]) is null) missing++;
            return missing;
        }
    }

    /// <summary>Pieces in file <paramref name="file"/>.</summary>
    public int PiecesInFile(int file) => (int)PiecesOf(_files[file].Length);

    /// <summary>The file's length, pieces root and known layer.</summary>
    public MerkleFile File(int file) => _files[file] with { Layer = Layer(file) };

    /// <summary>The file with data whose pieces root is <paramref name="root"/>, or -1.</summary>
    public int FindFile(ReadOnlySpan<byte> root)
    {
        for (var i = 0; i < _files.Length; i++)
            if (_files[i].PiecesRoot.Span.SequenceEqual(root)) return i;
        return -1;
    }

    /// <summary>The file of <paramref name="piece"/> and the piece's index within it.</summary>
    public (int File, int Index) Locate(int piece)
    {
        if ((uint)piece >= (uint)PieceCount) throw new ArgumentOutOfRangeException(nameof(piece), $"piece {piece} is not in 0..{PieceCount - 1}");
        var lo = 0;
        var hi = _firstPiece.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (_firstPiece[mid] <= piece) lo = mid; else hi = mid - 1;
        }
        return (lo, piece - _firstPiece[lo]);
    }

    /// <summary>The global index of the first piece of <paramref name="file"/>.</summary>
    public int FirstPiece(int file) => _firstPiece[file];

    /// <summary>Bytes of file data in <paramref name="piece"/> (what is hashed; padding after them is not).</summary>
    public int DataLength(int piece)
    {
        var (file, index) = Locate(piece);
        return (int)Math.Min(PieceLength, _files[file].Length - (long)index * PieceLength);
    }

    /// <summary>True when the hash <paramref name="piece"/> is checked against is known.</summary>
    public bool HasHash(int piece)
    {
        var (file, _) = Locate(piece);
        return !NeedsLayer(file) || Volatile.Read(ref _layers[file]) is not null;
    }

    /// <summary>The known piece layer of <paramref name="file"/> (empty when unknown or when the file has none).</summary>
    public ReadOnlyMemory<byte> Layer(int file) => Volatile.Read(ref _layers[file]) ?? ReadOnlyMemory<byte>.Empty;

    /// <summary>True when the layer of <paramref name="file"/> was learnt after construction (fetched from peers, or restored from a resume record).</summary>
    public bool Learnt(int file) => _files[file].Layer.IsEmpty && Volatile.Read(ref _layers[file]) is not null;

    /// <summary>True when <paramref name="file"/> is longer than one piece, so its pieces are checked against a layer.</summary>
    public bool NeedsLayer(int file) => _files[file].Length > PieceLength;

    /// <summary>The tree from the file's piece layer up to its root; null when the layer is not known (or the file has none). Thread-safe.</summary>
    public LayerTree? Tree(int file)
    {
        if (_trees[file] is { } built) return built;
        var layer = Volatile.Read(ref _layers[file]);
        if (layer is null) return null;
        var tree = new LayerTree(layer, PieceLength);
        return Interlocked.CompareExchange(ref _trees[file], tree, null) ?? tree;
    }

    /// <summary>
    /// Takes <paramref name="layer"/> as the piece layer of <paramref name="file"/> when it holds one hash per piece
    /// and leads to the file's pieces root; false (and nothing changes) otherwise, or when the file needs no layer.
    /// </summary>
    public bool TrySetLayer(int file, ReadOnlySpan<byte> layer)
    {
        if ((uint)file >= (uint)_files.Length || !NeedsLayer(file)) return false;
        if (layer.Length != PiecesInFile(file) * MerkleTree.HashLength) return false;
        if (!MerkleTree.FromPieceLayer(layer, PieceLength).AsSpan().SequenceEqual(_files[file].PiecesRoot.Span)) return false;
        Volatile.Write(ref _layers[file], layer.ToArray());
        return true;
    }

    /// <summary>
    /// True when <paramref name="leaves"/> (the SHA-256 of each 16 KiB block of the piece's <see cref="DataLength"/>
    /// bytes) lead to the piece's hash; false when they do not, or the hash is not known.
    /// </summary>
    public bool VerifyLeaves(int piece, ReadOnlySpan<byte> leaves)
    {
        var (file, index) = Locate(piece);
        var length = _files[file].Length;
        if (leaves.Length != MerkleTree.Blocks(DataLength(piece)) * MerkleTree.HashLength) return false;
        ReadOnlySpan<byte> expected;
        if (!NeedsLayer(file)) expected = _files[file].PiecesRoot.Span;
        else if (Volatile.Read(ref _layers[file]) is not { } layer) return false;
        else expected = layer.AsSpan(index * MerkleTree.HashLength, MerkleTree.HashLength);
        Span<byte> root = stackalloc byte[MerkleTree.HashLength];
        MerkleTree.Root(leaves, MerkleTree.PieceWidth(length, PieceLength), MerkleTree.ZeroLeaf, root);
        return root.SequenceEqual(expected);
    }

    /// <summary>True when <paramref name="data"/>, the piece's file bytes, hash to the piece's hash.</summary>
    public bool Verify(int piece, ReadOnlySpan<byte> data)
    {
        if (data.Length != DataLength(piece)) return false;
        var leaves = new byte[MerkleTree.Blocks(data.Length) * MerkleTree.HashLength];
        MerkleTree.HashLeaves(data, leaves);
        return VerifyLeaves(piece, leaves);
    }

    private long PiecesOf(long length) => (length + PieceLength - 1) / PieceLength;
}
