namespace Engine.Events;

/// <summary>How a torrent learnt, when it started, which pieces it already had (see <see cref="StartupReport"/>).</summary>
public enum StartupSource
{
    /// <summary>None of its files existed: there was nothing to check.</summary>
    NoData,
    /// <summary>The fast-resume record in the state directory matched the files' sizes and times and was trusted.</summary>
    ResumeRecord,
    /// <summary>No usable fast-resume record: the existing data was hash-checked.</summary>
    HashCheck,
}
