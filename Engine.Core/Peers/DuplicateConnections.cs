using System.Net;
using Engine.Core.Primitives;

namespace Engine.Core.Peers;

/// <summary>
/// Which of two connections to one peer id stays. Of two of our dials: the older. Of two of theirs from one address:
/// the newer — a peer dials again only when it has given up on its first connection (it went silent on its side: a
/// crash, a lost route, a uTP connection it timed out), and keeping the older refused every redial until ours timed
/// out too; from another address the older (a peer id is no secret: elsewhere it must not take a connection over).
/// Ours against theirs: the one dialled by the greater peer id, bytes compared in order — libtorrent's rule ("the peer
/// with greatest peer-id is the one allowed to initiate connections"), so both ends, ours or libtorrent's, keep the same
/// one. The opposite rule, which we had, made each end close the connection the other kept.
/// </summary>
internal static class DuplicateConnections
{
    /// <summary>True when the newer connection stays and the older is closed; false when the newer is closed.</summary>
    public static bool KeepNewer(PeerId ours, PeerId theirs, bool olderOutgoing, IPEndPoint olderRemote, bool newerOutgoing, IPEndPoint newerRemote)
    {
        if (olderOutgoing && newerOutgoing) return false;
        if (!olderOutgoing && !newerOutgoing) return olderRemote.Address.Equals(newerRemote.Address);
        var oursIsGreater = ours.Span.SequenceCompareTo(theirs.Span) > 0;
        return newerOutgoing == oursIsGreater;
    }
}
