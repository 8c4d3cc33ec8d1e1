namespace Engine.Core.Merkle;

/// <summary>What <see cref="LayerFetch{TPeer}"/> made of a <c>hashes</c> message.</summary>
internal enum LayerAnswer
{
    /// <summary>Not a request in flight with that peer (late, after a timeout, or never asked): ignored.</summary>
    Unasked,

    /// <summary>Proved and kept; the file's layer still misses other chunks.</summary>
    Accepted,

    /// <summary>Proved and kept, and it completed a file's layer (now set in <see cref="MerklePieces"/>).</summary>
    LayerComplete,

    /// <summary>Of another shape or not leading to the pieces root: a protocol violation.</summary>
    Wrong,
}
