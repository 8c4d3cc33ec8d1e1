namespace Engine.Storage;

/// <summary>What checking a piece's data against its hash found.</summary>
internal enum PieceVerdict
{
    /// <summary>The data matches the hash.</summary>
    Passed,

    /// <summary>The data was read and does not match: someone sent wrong bytes.</summary>
    Failed,

    /// <summary>The data could not be checked (the disk failed, a write was lost): nobody is to blame for it.</summary>
    NotChecked,
}
