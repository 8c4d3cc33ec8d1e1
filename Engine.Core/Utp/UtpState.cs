namespace Engine.Core.Utp;

/// <summary>Where a uTP connection is in its life.</summary>
internal enum UtpState
{
    /// <summary>Our SYN is out, no answer yet.</summary>
    SynSent,
    /// <summary>Both ways open (a FIN from the peer only ends its direction).</summary>
    Connected,
    /// <summary>We closed: our FIN waits for its acknowledgement.</summary>
    Closing,
    /// <summary>Ended cleanly; nothing more is sent.</summary>
    Closed,
    /// <summary>Ended by a reset, a timeout or a refused connect: <see cref="UtpConnection.Error"/> says which.</summary>
    Failed,
}
