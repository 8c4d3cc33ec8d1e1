using Engine.Core.Pieces;
using Engine.Core.Primitives;

namespace Engine.Tests.Core.Pieces;

/// <summary>Property tests: a seeded random swarm drives the picker and its invariants are checked after every step.</summary>
public class PiecePickerSwarmTests
{
    private const int Block = TorrentLayout.BlockSize;

    private sealed class Swarm
    {
        public readonly Random Random;
        public readonly TorrentLayout Layout;
        public readonly PiecePicker Picker;
        public readonly Dictionary<int, Bitfield> Peers = new();
        public readonly HashSet<BlockRequest> Received = new(); // blocks of unverified pieces that arrived
        public int NextPeer;
        public int DoubleClaimsInEndgame;

        public Swarm(int seed)
        {
            Random = new Random(seed);
            var pieceLength = Random.Next(4) switch { 0 => Block / 2 + Random.Next(Block), 1 => Block, _ => Block * Random.Next(1, 7) };
            var pieces = Random.Next(1, 70);
            var total = (long)(pieces - 1) * pieceLength + Random.Next(1, pieceLength + 1);
            Layout = new TorrentLayout(total, pieceLength);
            var have = RandomField(Random.NextDouble() * 0.5);
            Picker = new PiecePicker(Layout, have, new Random(seed + 1000), Random.Next(0, 6));
            AddPeer(seed: true);
            for (var i = Random.Next(0, 6); i > 0; i--) AddPeer(seed: false);
        }

        public Bitfield RandomField(double density)
        {
            var field = new Bitfield(Layout.PieceCount);
            for (var i = 0; i < field.Count; i++) field[i] = Random.NextDouble() < density;
            return field;
        }

        public void AddPeer(bool seed)
        {
            var id = NextPeer++;
            var has = seed ? RandomField(1.0) : RandomField(Random.NextDouble());
            Peers.Add(id, has);
            Picker.PeerAdded(id, has.Clone());
        }

        public int RandomPeer() => Peers.Keys.ElementAt(Random.Next(Peers.Count));

        public void Pick()
        {
            var peer = RandomPeer();
            var has = Peers[peer];
            var endgameBefore = Picker.InEndgame;
            var othersClaims = new HashSet<BlockRequest>();
            foreach (var other in Peers.Keys) if (other != peer) othersClaims.UnionWith(Picker.ClaimsOf(other));
            var ownBefore = Picker.ClaimsOf(peer).ToHashSet();
            var buffer = new BlockRequest[Random.Next(1, 24)];
            var n = Picker.Pick(peer, has, buffer);
            Assert.Equal(n, buffer.Take(n).Distinct().Count());
            var sawDuplicate = false;
            foreach (var block in buffer.AsSpan(0, n))
            {
                Assert.True(has[block.Piece], $"picked {block} from a peer that lacks the piece");
                Assert.False(Picker.Have[block.Piece], $"picked {block} of a piece we have");
                Assert.DoesNotContain(block, Received);
                Assert.DoesNotContain(block, ownBefore);
                Assert.Equal(Layout.Block(block.Piece, block.BlockIndex), block);
                if (othersClaims.Contains(block))
                {
                    // Endgame may begin within this pick, once its free blocks ran out: duplicates come last.
                    Assert.True(endgameBefore || Picker.InEndgame, $"{block} claimed twice outside endgame");
                    sawDuplicate = true;
                    DoubleClaimsInEndgame++;
                }
                else Assert.False(sawDuplicate, $"{block} is free but was picked after an endgame duplicate");
            }
            // Nothing left unpicked that this peer could have taken, unless the buffer is full.
            if (n < buffer.Length) Assert.False(CouldTakeFreeBlock(has), "pick stopped early while free blocks remained");
        }

        private bool CouldTakeFreeBlock(Bitfield has)
        {
            var claimed = new HashSet<BlockRequest>();
            foreach (var p in Peers.Keys) claimed.UnionWith(Picker.ClaimsOf(p));
            for (var piece = has.NextSet(0); piece >= 0; piece = has.NextSet(piece + 1))
            {
                if (Picker.Have[piece]) continue;
                for (var b = 0; b < Layout.BlockCount(piece); b++)
                {
                    var block = Layout.Block(piece, b);
                    if (!claimed.Contains(block) && !Received.Contains(block)) return true;
                }
            }
            return false;
        }

        public void Deliver(int peer, BlockRequest block, bool claimed)
        {
            var wanted = !Picker.Have[block.Piece] && !Received.Contains(block);
            var result = Picker.BlockReceived(peer, block);
            Assert.Equal(wanted, result.Expected);
            Assert.Equal(claimed, result.WasClaimed);
            Assert.DoesNotContain(peer, result.CancelAt);
            foreach (var other in result.CancelAt) Assert.DoesNotContain(block, Picker.ClaimsOf(other));
            if (!result.Expected) return;
            Received.Add(block);
            var piece = block.Piece;
            var all = Enumerable.Range(0, Layout.BlockCount(piece)).All(b => Received.Contains(Layout.Block(piece, b)));
            Assert.Equal(all, result.PieceComplete);
            if (!result.PieceComplete) return;
            Received.RemoveWhere(r => r.Piece == piece);
            if (Random.NextDouble() < 0.15) Picker.PieceFailed(piece);
            else Picker.PieceVerified(piece);
        }

        public void Step()
        {
            var roll = Random.NextDouble();
            if (roll < 0.35) Pick();
            else if (roll < 0.72)
            {
                var peer = RandomPeer();
                var claims = Picker.ClaimsOf(peer);
                if (claims.Count > 0) Deliver(peer, claims.ElementAt(Random.Next(claims.Count)), claimed: true);
            }
            else if (roll < 0.78)
            {
                var peer = RandomPeer();
                var claims = Picker.ClaimsOf(peer);
                if (claims.Count > 0 && Random.Next(2) == 0)
                {
                    var block = claims.ElementAt(Random.Next(claims.Count));
                    Picker.Release(peer, block);
                    Assert.DoesNotContain(block, Picker.ClaimsOf(peer));
                }
                else if (claims.Count > 0)
                {
                    // Cancelled, and they may still come (a trim): the peer's newest claims, some of them.
                    var blocks = claims.Skip(Random.Next(claims.Count)).ToArray();
                    Picker.ReleaseCancelled(peer, blocks);
                    Assert.Empty(blocks.Intersect(Picker.ClaimsOf(peer)));
                }
            }
            else if (roll < 0.81)
            {
                var peer = RandomPeer();
                Picker.ReleaseAll(peer);
                Assert.Empty(Picker.ClaimsOf(peer));
            }
            else if (roll < 0.85)
            {
                var peer = RandomPeer();
                var wasSeed = Peers[peer].AllSet;
                Picker.PeerRemoved(peer);
                Peers.Remove(peer);
                Assert.Empty(Picker.ClaimsOf(peer));
                if (wasSeed && !Peers.Values.Any(p => p.AllSet)) AddPeer(seed: true); // keep the torrent available
                if (Peers.Count == 0) AddPeer(seed: true);
            }
            else if (roll < 0.89)
            {
                if (Peers.Count < 10) AddPeer(seed: Random.Next(5) == 0);
            }
            else if (roll < 0.96)
            {
                var peer = RandomPeer();
                if (Random.Next(20) == 0)
                {
                    Peers[peer].SetAll();
                    Picker.PeerHaveAll(peer);
                }
                else
                {
                    var piece = Random.Next(Layout.PieceCount);
                    Peers[peer][piece] = true;
                    Picker.PeerHave(peer, piece);
                }
            }
            else
            {
                // A block nobody asked this peer for (late after a release, or unsolicited).
                var peer = RandomPeer();
                var piece = Random.Next(Layout.PieceCount);
                var block = Layout.Block(piece, Random.Next(Layout.BlockCount(piece)));
                Deliver(peer, block, claimed: Picker.ClaimsOf(peer).Contains(block));
            }
        }

        public void DropEveryone()
        {
            foreach (var peer in Peers.Keys.ToList())
            {
                Picker.PeerRemoved(peer);
                Peers.Remove(peer);
            }
            Assert.Equal(0, Picker.PeerCount);
            Picker.CheckInvariants();
            for (var piece = 0; piece < Layout.PieceCount; piece++) Assert.Equal(0, Picker.Availability(piece));
            long missing = 0;
            for (var piece = 0; piece < Layout.PieceCount; piece++)
                if (!Picker.Have[piece]) missing += Layout.BlockCount(piece);
            Assert.Equal(missing - Received.Count, Picker.UnclaimedBlocks); // nothing stays claimed
        }
    }

    [Fact]
    public void A_random_swarm_keeps_every_invariant_and_always_completes()
    {
        var endgameDuplicates = 0;
        for (var seed = 0; seed < 120; seed++)
        {
            var swarm = new Swarm(seed);
            var dropAllAt = swarm.Random.Next(2) == 0 ? swarm.Random.Next(10, 400) : -1;
            var steps = 0;
            while (!swarm.Picker.IsComplete)
            {
                Assert.True(++steps < 200_000, $"seed {seed}: stalled with {swarm.Picker.Have.SetCount}/{swarm.Layout.PieceCount} pieces, endgame={swarm.Picker.InEndgame}");
                swarm.Step();
                swarm.Picker.CheckInvariants();
                if (steps == dropAllAt)
                {
                    swarm.DropEveryone();
                    swarm.AddPeer(seed: true);
                }
            }
            Assert.False(swarm.Picker.InEndgame);
            Assert.Equal(0, swarm.Picker.ActivePieceCount);
            swarm.DropEveryone();
            endgameDuplicates += swarm.DoubleClaimsInEndgame;
        }
        Assert.True(endgameDuplicates > 0, "the simulation never exercised endgame duplicates");
    }

    [Fact]
    public void The_rarest_piece_the_peer_has_is_picked_first()
    {
        var random = new Random(5);
        var uniqueCases = 0;
        for (var round = 0; round < 400; round++)
        {
            var layout = new TorrentLayout((long)random.Next(1, 200) * Block * 2, Block * 2);
            var have = new Bitfield(layout.PieceCount);
            for (var i = 0; i < have.Count; i++) have[i] = random.Next(4) == 0;
            var picker = new PiecePicker(layout, have, new Random(round), randomFirstPieces: 0);
            var peers = new List<Bitfield>();
            for (var p = random.Next(1, 12); p > 0; p--)
            {
                var field = new Bitfield(layout.PieceCount);
                var density = random.NextDouble();
                for (var i = 0; i < field.Count; i++) field[i] = random.NextDouble() < density;
                picker.PeerAdded(peers.Count, field);
                peers.Add(field);
            }
            var peer = random.Next(peers.Count);
            var min = int.MaxValue;
            var ties = 0;
            for (var piece = 0; piece < layout.PieceCount; piece++)
            {
                if (!peers[peer][piece] || have[piece]) continue;
                var availability = peers.Count(f => f[piece]);
                if (availability < min) { min = availability; ties = 1; }
                else if (availability == min) ties++;
            }
            var buffer = new BlockRequest[1];
            var n = picker.Pick(peer, peers[peer], buffer);
            if (min == int.MaxValue) { Assert.Equal(0, n); continue; }
            Assert.Equal(1, n);
            Assert.Equal(min, picker.Availability(buffer[0].Piece));
            if (ties == 1) uniqueCases++;
        }
        Assert.True(uniqueCases > 20, $"only {uniqueCases} rounds had a unique rarest piece");
    }
}
