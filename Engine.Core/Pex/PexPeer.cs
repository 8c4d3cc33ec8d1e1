using System.Net;

namespace Engine.Core.Pex;

/// <summary>A peer in a ut_pex message, with BEP 11's flags.</summary>
internal readonly record struct PexPeer(IPEndPoint EndPoint, PexFlags Flags = PexFlags.None);

/// <summary>BEP 11's <c>added.f</c> bits.</summary>
[Flags]
internal enum PexFlags : byte
{
    None = 0,
    PrefersEncryption = 0x01,
    /// <summary>A seed (or upload-only).</summary>
    Seed = 0x02,
    SupportsUtp = 0x04,
    SupportsHolepunch = 0x08,
    /// <summary>We reached it by dialling: it accepts incoming connections.</summary>
    Reachable = 0x10,
}
