namespace Engine.Api;

/// <summary>uTP (BEP 29: BitTorrent over UDP with LEDBAT congestion control, on the listen port's number) beside TCP.</summary>
public enum UtpMode
{
    /// <summary>TCP only: incoming uTP is ignored and none is dialled.</summary>
    Disabled,

    /// <summary>Incoming uTP and TCP; we dial TCP, and uTP when TCP fails (refused or timed out) — the default.</summary>
    Enabled,

    /// <summary>Incoming uTP and TCP; we dial uTP first (as libtorrent does) and TCP when uTP gets no answer.</summary>
    Preferred,

    /// <summary>We dial uTP only (incoming TCP is still accepted).</summary>
    Only,
}
