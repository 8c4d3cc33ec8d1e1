using System.Net;
using Engine.Core.Primitives;

namespace Engine.Core.Peers;

/// <summary>One of a torrent's connections, as <see cref="ConnectionHygiene.HostFull"/> sees it: where, which peer (null until its handshake), which way.</summary>
internal readonly record struct HostConnection(IPEndPoint Remote, PeerId? PeerId, bool Outgoing);
