namespace Engine.Events;

/// <summary>Who opened a peer connection (<see cref="PeerConnected.Direction"/>).</summary>
public enum PeerDirection
{
    /// <summary>We dialled the peer.</summary>
    Outgoing,

    /// <summary>The peer connected to our listener.</summary>
    Incoming,
}
