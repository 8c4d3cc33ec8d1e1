using System.Net;

namespace Engine.Core.Peers;

/// <summary>A peer's extension handshake named the address it sees us at (BEP 10 <c>yourip</c>).</summary>
internal sealed record YourAddressReported(IPAddress Address);
