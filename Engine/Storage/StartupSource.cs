namespace Engine.Storage;

/// <summary>How a torrent learnt, at start-up, which pieces it already has.</summary>
public enum StartupSource
{
    /// <summary>None of its files exist: nothing to check.</summary>
    NoData,
    /// <summary>The fast-resume record matched the files' sizes and times and was trusted.</summary>
    ResumeRecord,
    /// <summary>No usable resume record: existing data was hash-checked.</summary>
    HashCheck,
}
