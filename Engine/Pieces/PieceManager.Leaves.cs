using System.Net;
using Akka.Event;
using Engine.Core.Merkle;
using Engine.Core.Wire;

namespace Engine.Pieces;

/// <summary>
/// A failed piece of a torrent with a v2 part (v2-only, or a hybrid's v2 half) is pinned to its bad blocks through the
/// merkle tree (BEP 52) before anything is fetched again: its leaves are asked of a peer that speaks v2 and has the piece
/// (one that sent none of it first, <see cref="BadBlocks.NextToAsk{TPeer}"/>), proved against the piece's hash, and
/// compared with the digests storage read back. Meanwhile the piece stays complete in the picker (none of its blocks is
/// asked for). Then only the bad blocks are wanted again, and the peer that sent each is banned at once (proof, not
/// suspicion). A piece of one block of data needs no answer. When no peer answers within <see cref="LeafWait"/> (each
/// asked peer has <see cref="LeafAskTimeout"/>; a reject or an answer that does not prove moves on to the next), the
/// piece is fetched again whole and smart ban judges it as before (PieceManager.Verdicts.cs).
/// </summary>
internal sealed partial class PieceManager
{
    /// <summary>How long a failed piece waits for its leaves in all before it is fetched again whole.</summary>
    internal static readonly TimeSpan LeafWait = TimeSpan.FromSeconds(10);

    /// <summary>How long one asked peer has to answer before the next is asked.</summary>
    internal static readonly TimeSpan LeafAskTimeout = TimeSpan.FromSeconds(5);

    private sealed record LeafTimeout(int Piece, int Attempt);

    private sealed class LeafCheck(HashRange range, IPEndPoint?[] senders, UInt128[] digests, DateTimeOffset started)
    {
        public HashRange Range { get; } = range;
        public IPEndPoint?[] Senders { get; } = senders;
        public UInt128[] Digests { get; } = digests;
        public DateTimeOffset Started { get; } = started;
        public List<IPEndPoint> Asked { get; } = new();
        public PeerState? Asking;
        public int Attempt;
    }

    private readonly MerklePieces? _leaves;
    private readonly Dictionary<int, LeafCheck> _leafChecks = new();

    /// <summary>Pieces waiting for their leaves.</summary>
    internal int LeafChecks => _leafChecks.Count;

    /// <summary>
    /// A piece failed its check: true when the merkle tree takes it from here (judged at once, or its leaves asked for);
    /// false to fetch it again whole (no v2 part, no digests, its hash unknown, no peer to ask).
    /// </summary>
    private bool PinBadBlocks(int piece, IPEndPoint?[]? senders, UInt128[]? digests)
    {
        if (_leaves is null || senders is null || digests is null || digests.Length != senders.Length || !_leaves.HasHash(piece)) return false;
        if (BadBlocks.Request(_leaves, piece) is not { } range)
            return BadBlocks.DataBlocks(_leaves, piece) == 1 && Settle(piece, BadBlocks.Judge([], digests, senders), senders);
        var check = new LeafCheck(range, senders, digests, Context.System.Scheduler.Now);
        if (!AskForLeaves(piece, check)) return false;
        _leafChecks.Add(piece, check);
        return true;
    }

    /// <summary>Asks the next peer for the piece's leaves; false when there is none left to ask or no time.</summary>
    private bool AskForLeaves(int piece, LeafCheck check)
    {
        var left = LeafWait - (Context.System.Scheduler.Now - check.Started);
        if (left <= TimeSpan.Zero) return false;
        var candidates = new Dictionary<IPEndPoint, PeerState>(); // v2 peers that have the piece, one per ban key
        foreach (var p in _peers.Values)
            if (p.SpeaksV2 && p.Has[piece]) candidates.TryAdd(p.BanKey, p);
        if (BadBlocks.NextToAsk([.. candidates.Keys], check.Senders, check.Asked) is not { } next) return false;
        var peer = candidates[next];
        check.Asked.Add(next);
        check.Asking = peer;
        check.Attempt++;
        peer.Actor.Tell(new AskHashes([new HashRequest(check.Range)]), Self);
        Timers.StartSingleTimer(LeafTimer(piece), new LeafTimeout(piece, check.Attempt), left < LeafAskTimeout ? left : LeafAskTimeout);
        return true;
    }

    /// <summary>True when <paramref name="answer"/> from <paramref name="p"/> answers a leaf request of ours (and was handled).</summary>
    private bool OnLeafAnswer(PeerState p, PeerMessage answer)
    {
        if (_leafChecks.Count == 0) return false;
        var range = answer switch { Hashes h => h.Range, HashReject r => r.Range, _ => null };
        if (range is null || range.BaseLayer != 0) return false;
        foreach (var (piece, check) in _leafChecks)
        {
            if (check.Asking != p || !check.Range.Equals(range)) continue;
            check.Asking = null;
            Timers.Cancel(LeafTimer(piece));
            var leaves = answer is Hashes hashes ? BadBlocks.Proven(_leaves!, piece, check.Range, hashes) : null;
            if (leaves is null)
            {
                if (answer is Hashes)
                    Context.GetLogger().Warning("{0} answered the leaves of piece {1} with hashes that do not lead to its hash; asking another peer", p.BanKey, piece);
                if (!AskForLeaves(piece, check)) GiveUpLeaves(piece, check);
                return true;
            }
            _leafChecks.Remove(piece);
            if (!Settle(piece, BadBlocks.Judge(leaves, check.Digests, check.Senders), check.Senders))
            {
                Context.GetLogger().Warning("piece {0}: every block matches its proven leaf, yet the piece failed; fetching it again whole", piece);
                FailWhole(piece, check.Senders, check.Digests);
            }
            return true;
        }
        return false;
    }

    private void OnLeafTimeout(LeafTimeout m)
    {
        if (!_leafChecks.TryGetValue(m.Piece, out var check) || check.Attempt != m.Attempt) return;
        check.Asking = null;
        if (!AskForLeaves(m.Piece, check)) GiveUpLeaves(m.Piece, check);
    }

    /// <summary>The peer asked for a piece's leaves is gone: the next is asked.</summary>
    private void LeafPeerGone(PeerState gone)
    {
        if (_leafChecks.Count == 0) return;
        List<int>? waiting = null;
        foreach (var (piece, check) in _leafChecks)
            if (check.Asking == gone) (waiting ??= []).Add(piece);
        if (waiting is null) return;
        foreach (var piece in waiting)
        {
            var check = _leafChecks[piece];
            check.Asking = null;
            Timers.Cancel(LeafTimer(piece));
            if (!AskForLeaves(piece, check)) GiveUpLeaves(piece, check);
        }
    }

    private void GiveUpLeaves(int piece, LeafCheck check)
    {
        _leafChecks.Remove(piece);
        Timers.Cancel(LeafTimer(piece));
        Context.GetLogger().Info("piece {0}: no peer gave its leaves ({1} asked); fetching it again whole", piece, check.Asked.Count);
        FailWhole(piece, check.Senders, check.Digests);
        ReportProgress();
    }

    /// <summary>
    /// Carries out what the leaves proved: the bad blocks wanted again (the good ones and who sent them kept), the peers
    /// that sent a bad block banned. False when no block was found bad (the caller fetches the piece again whole).
    /// </summary>
    private bool Settle(int piece, BlockBlame<IPEndPoint> blame, IPEndPoint?[] senders)
    {
        if (!blame.Found) return false;
        var log = Context.GetLogger();
        var kept = (IPEndPoint?[])senders.Clone();
        foreach (var block in blame.Bad) kept[block] = null;
        _senders[piece] = kept;
        foreach (var cleared in blame.Cleared)
            log.Debug("piece {0}: {1} sent only blocks its merkle leaves prove right; cleared", piece, cleared);
        foreach (var guilty in blame.Guilty)
        {
            var blocks = new List<int>();
            foreach (var block in blame.Bad)
                if (guilty.Equals(senders[block])) blocks.Add(block);
            var reason = $"sent block(s) {string.Join(", ", blocks)} of piece {piece}, proven wrong by their BEP 52 merkle leaves";
            log.Warning("banning {0}: {1}", guilty, reason);
            Ban(guilty, reason);
        }
        log.Info("piece {0}: {1} of {2} block(s) proven wrong by its merkle leaves; only they are fetched again", piece, blame.Bad.Count, senders.Length);
        _picker.BlocksFailed(piece, blame.Bad);
        foreach (var p in _peers.Values) UpdateInterest(p);
        return true;
    }

    private static string LeafTimer(int piece) => "leaves-" + piece;
}
