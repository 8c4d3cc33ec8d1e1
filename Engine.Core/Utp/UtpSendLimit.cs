namespace Engine.Core.Utp;

/// <summary>What limits a sender between two flushes: the first check that stopped the last one.</summary>
internal enum UtpSendLimit
{
    /// <summary>Nothing left to send: the writer is slower than the connection.</summary>
    Application,
    /// <summary>LEDBAT's congestion window is full.</summary>
    CongestionWindow,
    /// <summary>The peer's receive window is full.</summary>
    PeerWindow,
    /// <summary><see cref="UtpSettings.MaxBurst"/> packets left since the peer was last heard from.</summary>
    Burst,
}
