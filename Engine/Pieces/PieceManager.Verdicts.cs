using System.Net;
using Akka.Actor;
using Akka.Event;
using Engine.Core.Pieces;
using Engine.Storage;

namespace Engine.Pieces;

/// <summary>
/// Smart ban: who is to blame for a piece that failed its hash check. Hash failures (someone sent wrong bytes) and
/// disk failures (<see cref="StorageActor.PieceChecked.NotChecked"/>: nobody did) are told apart; only the first
/// counts against peers. A failed piece is recorded block by block — who sent it, and a digest of what was written —
/// and fetched again, preferably from a single peer; when a copy passes, the peers whose blocks differ from it are
/// banned and the others cleared. A peer that alone sent two pieces that failed is banned too.
/// </summary>
internal sealed partial class PieceManager
{
    private readonly SmartBan<IPEndPoint> _smartBan = new();

    /// <summary>Asks storage to check a piece whose last block arrived (with its blocks' digests when it failed before).</summary>
    private void Verify(int piece)
    {
        if (HoldForLayer(piece)) return;
        _storage.Tell(new StorageActor.VerifyPiece(piece) { WantDigests = _smartBan.IsSuspect(piece) });
    }

    /// <summary>
    /// A failed piece is fetched again whole, preferably from one peer, and smart ban records who sent which block
    /// (<paramref name="senders"/>; <paramref name="digests"/>: what was written, null when it could not be read).
    /// </summary>
    private void FailWhole(int piece, IPEndPoint?[]? senders, UInt128[]? digests)
    {
        _picker.PieceFailed(piece);
        _picker.PreferSingleSource(piece);
        if (senders is not null) Judge(_smartBan.PieceFailed(piece, senders, digests), piece, passed: false);
    }

    /// <summary>Carries out smart ban's verdict on <paramref name="piece"/>, which has just <paramref name="passed"/> or failed.</summary>
    private void Judge(SmartBanVerdict<IPEndPoint> verdict, int piece, bool passed)
    {
        if (verdict.IsEmpty) return;
        var log = Context.GetLogger();
        foreach (var cleared in verdict.Cleared)
            log.Debug("piece {0}: {1} sent good blocks of a copy that failed; cleared", piece, cleared);
        foreach (var guilty in verdict.Guilty)
        {
            var reason = passed
                ? $"sent blocks of piece {piece} that differ from the copy that passed its hash check"
                : $"was the only source of {SmartBan<IPEndPoint>.SoleFailuresToBan} pieces that failed their hash check";
            log.Warning("banning {0}: {1}", guilty, reason);
            Ban(guilty, reason);
        }
    }

    /// <summary>Bans every connection of the peer now, and its address for the PeerManager (it may be gone already).</summary>
    private void Ban(IPEndPoint key, string reason)
    {
        foreach (var p in _peers.Values)
            if (p.BanKey.Equals(key)) p.Actor.Tell(new BanPeer(reason));
        Context.Parent.Tell(new BanAddress(key, reason));
    }
}
