using Engine.Core.Peers;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using static Engine.Tests.Core.Peers.RecordedEffects;

namespace Engine.Tests.Core.Peers;

/// <summary>
/// Random sequences of inputs — the peer's messages (valid, stray, repeated, in reads of several), the managers'
/// decisions and ticks — against a model of what the session must do. Seeded: a failure names its seed.
/// </summary>
public sealed class PeerSessionPropertyTests
{
    private const int Runs = 300;
    private const int Steps = 400;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Random_sessions_keep_every_rule(bool fast)
    {
        for (var seed = 0; seed < Runs; seed++)
        {
            var run = new Run(seed, fast);
            try { run.Play(Steps); }
            catch (Exception e) { throw new Xunit.Sdk.XunitException($"seed {seed} (fast {fast}), step {run.Step}: {e.Message}"); }
        }
    }

    /// <summary>One random session with its model.</summary>
    private sealed class Run(int seed, bool fast)
    {
        private readonly Random _rng = new(seed);
        private readonly SessionHarness _h = new(new PeerSettings { ChokedRequestGrace = 1000, MaxQueuedUploadRequests = 1000 });
        private readonly HashSet<BlockRequest> _outstanding = new();   // requested of the peer, not yet resolved
        private readonly HashSet<BlockRequest> _givenBack = new();     // requested, then given back to the piece manager: may still come
        private readonly HashSet<BlockRequest> _pending = new();       // the peer's requests accepted, not yet handed on
        private Bitfield _ourHave = null!;
        private bool _peerChokedByUs = true;      // as the session told the peer (last Choke/Unchoke sent)
        private bool? _lastInterest;              // last Interested/NotInterested sent
        private bool _closed;
        public int Step { get; private set; }

        private BlockRequest AnyBlock() => _h.Block(_rng.Next(_h.Layout.PieceCount), _rng.Next(2));

        public void Play(int steps)
        {
            _h.Start(fast);
            _ourHave = new Bitfield(_h.Layout.PieceCount);
            for (var i = 0; i < _h.Layout.PieceCount; i++) _ourHave[i] = _rng.Next(3) == 0;
            _ourHave[0] = false; // never a seed: two seeds would just close
            Apply(() => _h.Session.OnWelcome(_ourHave, _h.Now), fed: []);
            for (Step = 0; Step < steps; Step++) PlayOne();
            if (!_closed)
            {
                Assert.Equal(_outstanding.Count, _h.Session.Outstanding);
                Assert.Equal(_pending.Count, _h.Session.QueuedRequests);
            }
        }

        private void PlayOne()
        {
            var s = _h.Session;
            var now = _h.Now;
            switch (_rng.Next(20))
            {
                case 0: Feed(Choke.Instance); break;
                case 1: Feed(Unchoke.Instance); break;
                case 2: Feed(_rng.Next(2) == 0 ? Interested.Instance : NotInterested.Instance); break;
                case 3: Feed(new Have(_rng.Next(_h.Layout.PieceCount))); break;
                case 4: PeerRequest(); break;
                case 5: PeerCancel(); break;
                case 6 when fast: var r = Resolvable(); Feed(new Reject(r.Piece, r.Offset, r.Length)); break;
                case 7 or 8: Feed(_h.Piece(Resolvable())); break;
                case 9: FeedRead(); break;
                case 10: Apply(() => s.OnInterest(_rng.Next(3) > 0, now), []); break;
                case 11 or 12: Assign(); break;
                case 13: var k = Resolvable(); Apply(() => s.OnCancelBlock(k, now), []); break;
                case 14: Choking(_rng.Next(2) == 0); break;
                case 15: Apply(() => s.OnSent(_rng.Next(2) == 0 ? 0 : _rng.Next(600_000), now), []); break;
                case 16: Apply(() => s.OnPieceUnavailable(AnyBlock(), "gone", now), []); break;
                case 17: var p = _rng.Next(1, _h.Layout.PieceCount); Apply(() => s.OnWeHave(p, now), []); _ourHave[p] = true; break;
                default:
                    _h.Advance(TimeSpan.FromMilliseconds(_rng.Next(3000)));
                    Apply(() => s.OnTick(_h.Now), []);
                    break;
            }
        }

        /// <summary>An outstanding block most of the time, else any.</summary>
        private BlockRequest Resolvable() => _outstanding.Count > 0 && _rng.Next(4) > 0 ? _outstanding.ElementAt(_rng.Next(_outstanding.Count)) : AnyBlock();

        private static Sent RejectOf(BlockRequest b) => new(new Reject(b.Piece, b.Offset, b.Length));

        /// <summary>A request: rejected (fast) while choked or for a piece we lack, ignored when already waiting, else it waits (or goes on at once).</summary>
        private void PeerRequest()
        {
            var b = AnyBlock();
            var refused = _h.Session.AmChoking || !_ourHave[b.Piece];
            if (!_closed && !refused) _pending.Add(b);
            var effects = Feed(_h.RequestFor(b));
            if (_closed) return;
            Assert.Equal(refused && fast ? 1 : 0, effects.Count(e => e.Equals(RejectOf(b))));
        }

        /// <summary>A cancel: a waiting request goes, rejected with the fast extension; anything else changes nothing.</summary>
        private void PeerCancel()
        {
            var b = _pending.Count > 0 && _rng.Next(2) == 0 ? _pending.First() : AnyBlock();
            var waiting = _pending.Remove(b);
            var effects = Feed(new Cancel(b.Piece, b.Offset, b.Length));
            if (_closed) return;
            Assert.Equal(waiting && fast ? 1 : 0, effects.Count(e => e.Equals(RejectOf(b))));
        }

        /// <summary>Our choke discards every waiting request, rejecting each with the fast extension.</summary>
        private void Choking(bool choke)
        {
            var waiting = choke && !_h.Session.AmChoking ? _pending.ToList() : [];
            var effects = Apply(() => _h.Session.OnChoke(choke, _h.Now), []);
            if (_closed) return;
            Assert.Equal(fast ? waiting.Select(RejectOf).ToHashSet() : [], effects.OfType<Sent>().Where(m => m.Message is Reject).ToHashSet());
        }

        private void Assign()
        {
            var blocks = Enumerable.Range(0, _rng.Next(1, 5)).Select(_ => AnyBlock()).Where(b => !_outstanding.Contains(b)).Distinct().ToArray();
            Apply(() => _h.Session.OnBlocksAssigned(blocks, _h.Now), [], assigned: blocks);
        }

        private List<Effect> Feed(PeerMessage message) => Apply(() => _h.Receive(message), message is PieceMessage p ? [p] : []);

        private void FeedRead()
        {
            var read = Enumerable.Range(0, _rng.Next(1, 6)).Select(_ => _rng.Next(3) switch
            {
                0 => (PeerMessage)_h.Piece(Resolvable()),
                1 => new Have(_rng.Next(_h.Layout.PieceCount)),
                _ => _h.Piece(AnyBlock()),
            }).ToArray();
            Apply(() => _h.ReceiveRead(read), read.OfType<PieceMessage>().ToList());
        }

        /// <summary>Runs one input and checks its effects against the model.</summary>
        private List<Effect> Apply(Action input, List<PieceMessage> fed, BlockRequest[]? assigned = null)
        {
            var wasClosed = _closed;
            var start = _h.Effects.All.Count;
            input();
            var effects = _h.Effects.All.Skip(start).ToList();
            if (wasClosed)
            {
                // After the end only buffers go back, and blocks assigned meanwhile are given back to the piece manager.
                Assert.All(effects, e => Assert.True(e is Discarded || e is Released r && r.Blocks.All(b => assigned?.Contains(b) == true), "after close: " + e));
                Assert.Equal(fed.Count, effects.OfType<Discarded>().Count());
                return effects;
            }
            var cancelled = new HashSet<BlockRequest>();
            foreach (var e in effects) Check(e, cancelled, assigned ?? []);
            // Every block handed to the session was either delivered or released: none leaks.
            var accounted = effects.OfType<Delivered>().SelectMany(d => d.Blocks).Concat(effects.OfType<Discarded>().Select(d => d.Block)).ToList();
            Assert.Equal(fed.Count, accounted.Count);
            Assert.All(fed, p => Assert.Contains(p, accounted));
            return effects;
        }

        private void Check(Effect e, HashSet<BlockRequest> cancelled, BlockRequest[] assigned)
        {
            switch (e)
            {
                case Sent { Message: Request r }:
                    Assert.True(_outstanding.Add(r.Block), $"{r.Block} requested twice");
                    Assert.False(_h.Session.PeerChoking, "a request while the peer chokes us");
                    break;
                case Sent { Message: Cancel c }:
                    var block = new BlockRequest(c.Piece, c.Offset, c.Length);
                    Assert.True(_outstanding.Remove(block), $"cancel of {block}, which was not outstanding");
                    cancelled.Add(block);
                    break;
                case Released rel:
                    foreach (var b in rel.Blocks)
                    {
                        var requested = _outstanding.Remove(b) || cancelled.Remove(b);
                        Assert.True(requested || assigned.Contains(b), $"{b} released but not ours");
                        if (requested) _givenBack.Add(b);
                    }
                    break;
                case Delivered d:
                    foreach (var p in d.Blocks)
                    {
                        var b = new BlockRequest(p.Piece, p.Offset, p.Data.Length);
                        Assert.True(_outstanding.Remove(b) || _givenBack.Remove(b), $"piece {p.Piece}@{p.Offset} delivered unrequested (or after a cancel for another's copy)");
                    }
                    break;
                case Sent { Message: Choke }: _peerChokedByUs = true; _pending.Clear(); break;
                case Sent { Message: Unchoke }: _peerChokedByUs = false; break;
                case Sent { Message: Interested }:
                    Assert.NotEqual(true, _lastInterest);
                    _lastInterest = true;
                    break;
                case Sent { Message: NotInterested }:
                    Assert.Equal(true, _lastInterest);
                    _lastInterest = false;
                    break;
                case Uploaded u:
                    Assert.False(_peerChokedByUs, "a piece after a choke");
                    foreach (var b in u.Blocks)
                    {
                        Assert.True(_ourHave[b.Piece], $"uploading {b}, which we do not have");
                        Assert.True(_pending.Remove(b), $"uploading {b}, which the peer did not ask for (or cancelled)");
                    }
                    break;
                case Closed:
                    Assert.False(_closed);
                    _closed = true;
                    break;
            }
        }
    }
}
