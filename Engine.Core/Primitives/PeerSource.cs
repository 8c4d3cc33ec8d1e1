namespace Engine.Core.Primitives;

/// <summary>Where we learnt of a peer.</summary>
public enum PeerSource
{
    /// <summary>A tracker's announce reply.</summary>
    Tracker,
    /// <summary>The mainline DHT (BEP 5).</summary>
    Dht,
    /// <summary>Another peer's peer exchange (BEP 11, ut_pex).</summary>
    Pex,
    /// <summary>Local service discovery on the LAN (BEP 14).</summary>
    Lsd,
    /// <summary>It connected to us.</summary>
    Incoming,
    /// <summary>Given to us: the API's <c>AddPeers</c>, a magnet link's <c>x.pe</c>, a saved session.</summary>
    Manual,
    /// <summary>A web seed (BEP 19): an HTTP server named by the torrent's <c>url-list</c>, not a peer connection.</summary>
    WebSeed,
}
