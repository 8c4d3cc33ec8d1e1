namespace Engine.Torrents;

/// <summary>
/// Decides when a torrent may stop polling its PeerManager every second. A torrent with no connection and no
/// traffic has nothing new to report, and a thousand of them polling would keep the process busy at rest; after
/// <see cref="QuietRefreshes"/> quiet summaries in a row it goes dormant (the caller stops its refresh timer),
/// and a summary showing a connection or traffic, or any sign of life the caller sees (a peer up, new peer
/// addresses, a resume), wakes it again. Pure; not thread-safe (one actor owns it).
/// </summary>
internal sealed class RefreshPacer
{
    /// <summary>Quiet summaries in a row before going dormant (the rate meters reach zero some seconds after the last byte).</summary>
    public const int QuietRefreshes = 3;

    private int _quiet;

    public bool Dormant { get; private set; }

    /// <summary>What the caller should do with its refresh timer after a summary.</summary>
    public enum Change { None, Sleep, Wake }

    /// <summary>Takes the figures of one PeerManager summary.</summary>
    public Change OnSummary(int connected, double downloadRate, double uploadRate)
    {
        if (connected > 0 || downloadRate > 0 || uploadRate > 0)
        {
            _quiet = 0;
            if (!Dormant) return Change.None;
            Dormant = false;
            return Change.Wake;
        }
        if (Dormant || ++_quiet < QuietRefreshes) return Change.None;
        Dormant = true;
        return Change.Sleep;
    }

    /// <summary>Nothing can move (the torrent is paused): dormant at once; the next <see cref="Wake"/> restarts the timer.</summary>
    public void Sleep()
    {
        _quiet = 0;
        Dormant = true;
    }

    /// <summary>Something happened that the summaries will show: returns true when the caller must restart its timer.</summary>
    public bool Wake()
    {
        _quiet = 0;
        if (!Dormant) return false;
        Dormant = false;
        return true;
    }
}
