using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Core.Storage;

namespace Engine.Tests.Core.Pieces;

/// <summary>Per-piece priorities: skipped pieces are never picked, high before normal before low, re-planning at runtime.</summary>
public class PiecePickerPriorityTests
{
    private const int Block = TorrentLayout.BlockSize;
    private static readonly TorrentLayout Layout = new(12L * 2 * Block, 2 * Block); // 12 pieces of 2 blocks

    private static Bitfield All(int count)
    {
        var field = new Bitfield(count);
        field.SetAll();
        return field;
    }

    private static PiecePicker NewPicker(params byte[] priorities)
    {
        var picker = new PiecePicker(Layout, new Bitfield(Layout.PieceCount), new Random(7), randomFirstPieces: 0);
        if (priorities.Length > 0) picker.SetPriorities(priorities);
        picker.CheckInvariants();
        return picker;
    }

    private static int[] PickPieces(PiecePicker picker, int peer, Bitfield has, int blocks)
    {
        var buffer = new BlockRequest[blocks];
        var n = picker.Pick(peer, has, buffer);
        picker.CheckInvariants();
        return buffer[..n].Select(b => b.Piece).Distinct().ToArray();
    }

    [Fact]
    public void A_piece_is_worth_the_most_any_file_it_touches_and_skipped_only_pieces_nothing()
    {
        // Files of 3, 0, 1.5, 1.5 and 6 pieces' worth of bytes: pieces 0-2 | 3 and half of 4 | the rest of 4, 5 | 6-11.
        var p = (long)Layout.PieceLength;
        var files = new FileMap([3 * p, 0, 3 * p / 2, 3 * p / 2, 6 * p]);
        var pieces = PiecePriorities.FromFiles(Layout, files, [PiecePriorities.Skip, PiecePriorities.High, PiecePriorities.Low, PiecePriorities.Skip, PiecePriorities.High]);
        Assert.Equal(new byte[] { 0, 0, 0, 1, 1, 0, 3, 3, 3, 3, 3, 3 }, pieces);
        var boundary = PiecePriorities.FromFiles(Layout, files, [PiecePriorities.Skip, PiecePriorities.Skip, PiecePriorities.Low, PiecePriorities.High, PiecePriorities.Skip]);
        Assert.Equal(new byte[] { 0, 0, 0, 1, 3, 3, 0, 0, 0, 0, 0, 0 }, boundary);
    }

    [Fact]
    public void File_priorities_must_name_every_file()
    {
        var files = new FileMap([Layout.TotalLength]);
        Assert.Throws<ArgumentException>(() => PiecePriorities.FromFiles(Layout, files, [1, 2]));
    }

    [Fact]
    public void High_pieces_are_picked_before_normal_ones_and_normal_before_low()
    {
        var picker = NewPicker(1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
        picker.PeerAdded(0, All(Layout.PieceCount));
        Assert.All(PickPieces(picker, 0, All(Layout.PieceCount), 8), piece => Assert.InRange(piece, 8, 11));
        Assert.All(PickPieces(picker, 0, All(Layout.PieceCount), 8), piece => Assert.InRange(piece, 4, 7));
        Assert.All(PickPieces(picker, 0, All(Layout.PieceCount), 8), piece => Assert.InRange(piece, 0, 3));
    }

    [Fact]
    public void Within_a_level_the_rarest_piece_comes_first()
    {
        var picker = NewPicker(2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2);
        picker.PeerAdded(0, All(Layout.PieceCount));
        var other = new Bitfield(Layout.PieceCount);
        for (var i = 0; i < 12; i++) other[i] = i != 5;
        picker.PeerAdded(1, other);
        Assert.Equal([5], PickPieces(picker, 0, All(Layout.PieceCount), 2));
    }

    [Fact]
    public void Skipped_pieces_are_never_picked_and_a_peer_with_only_those_is_not_interesting()
    {
        var picker = NewPicker(0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2);
        var skippedOnly = new Bitfield(Layout.PieceCount);
        for (var i = 0; i < 6; i++) skippedOnly[i] = true;
        picker.PeerAdded(0, skippedOnly);
        Assert.False(picker.IsInteresting(skippedOnly));
        Assert.Empty(PickPieces(picker, 0, skippedOnly, 24));
        picker.PeerAdded(1, All(Layout.PieceCount));
        Assert.All(PickPieces(picker, 1, All(Layout.PieceCount), 24), piece => Assert.InRange(piece, 6, 11));
        Assert.True(picker.InEndgame);
    }

    [Fact]
    public void The_download_is_complete_when_every_wanted_piece_is_verified()
    {
        var picker = NewPicker(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3);
        picker.PeerAdded(0, All(Layout.PieceCount));
        var buffer = new BlockRequest[10];
        var n = picker.Pick(0, All(Layout.PieceCount), buffer);
        Assert.Equal(4, n);
        foreach (var block in buffer[..n])
            if (picker.BlockReceived(0, block).PieceComplete) picker.PieceVerified(block.Piece);
        Assert.True(picker.IsWantedComplete);
        Assert.False(picker.IsComplete);
        Assert.False(picker.InEndgame);
        Assert.False(picker.IsInteresting(All(Layout.PieceCount)));
        picker.CheckInvariants();
    }

    [Fact]
    public void Wanting_a_skipped_piece_at_runtime_makes_it_pickable_again()
    {
        var picker = NewPicker(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2);
        picker.PeerAdded(0, All(Layout.PieceCount));
        Assert.Equal([11], PickPieces(picker, 0, All(Layout.PieceCount), 24));
        Assert.Empty(PickPieces(picker, 0, All(Layout.PieceCount), 24)); // the peer is known exhausted now
        picker.SetPriority(3, PiecePriorities.Low);
        picker.CheckInvariants();
        Assert.Equal([3], PickPieces(picker, 0, All(Layout.PieceCount), 24));
    }

    [Fact]
    public void A_started_piece_that_becomes_skipped_gets_no_more_requests()
    {
        var picker = NewPicker(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2);
        picker.PeerAdded(0, All(Layout.PieceCount));
        var buffer = new BlockRequest[1];
        Assert.Equal(1, picker.Pick(0, All(Layout.PieceCount), buffer));
        var started = buffer[0].Piece;
        picker.SetPriority(started, PiecePriorities.Skip);
        picker.CheckInvariants();
        Assert.DoesNotContain(started, PickPieces(picker, 0, All(Layout.PieceCount), 24));
        picker.Release(0, buffer[0]);
        picker.CheckInvariants();
        Assert.True(picker.IsStarted(started));
    }

    [Fact]
    public void A_random_swarm_with_changing_priorities_never_picks_skipped_pieces_and_respects_levels()
    {
        for (var seed = 0; seed < 150; seed++)
        {
            var random = new Random(seed);
            var pieceLength = Block * random.Next(1, 4);
            var count = random.Next(1, 60);
            var layout = new TorrentLayout((long)(count - 1) * pieceLength + random.Next(1, pieceLength + 1), pieceLength);
            var picker = new PiecePicker(layout, new Bitfield(layout.PieceCount), new Random(seed), random.Next(0, 3));
            var fileLengths = RandomSplit(random, layout.TotalLength);
            var files = new FileMap(fileLengths);
            var levels = RandomLevels(random, fileLengths.Length);
            var priorities = PiecePriorities.FromFiles(layout, files, levels);
            picker.SetPriorities(priorities);
            var everWanted = priorities.Select(p => p > 0).ToArray();
            var peers = new List<Bitfield>();
            for (var i = random.Next(1, 5); i > 0; i--)
            {
                var has = new Bitfield(layout.PieceCount);
                for (var piece = 0; piece < has.Count; piece++) has[piece] = i == 1 || random.Next(3) > 0;
                picker.PeerAdded(peers.Count, has);
                peers.Add(has);
            }
            var inTransit = new List<(int Peer, BlockRequest Block)>();
            for (var step = 0; !picker.IsWantedComplete; step++)
            {
                Assert.True(step < 100_000, $"seed {seed}: stalled");
                var roll = random.Next(10);
                if (roll < 4)
                {
                    var peer = random.Next(peers.Count);
                    var freshBefore = Enumerable.Range(0, layout.PieceCount)
                        .Where(p => !picker.Have[p] && !picker.IsStarted(p) && picker.Priority(p) > 0 && peers[peer][p]).ToHashSet();
                    var buffer = new BlockRequest[random.Next(1, 8)];
                    var n = picker.Pick(peer, peers[peer], buffer);
                    foreach (var block in buffer[..n])
                    {
                        Assert.True(picker.Priority(block.Piece) > 0, $"seed {seed}: picked a block of skipped piece {block.Piece}");
                        if (freshBefore.Remove(block.Piece))
                        {
                            var best = freshBefore.Count == 0 ? 0 : freshBefore.Max(picker.Priority);
                            Assert.True(picker.Priority(block.Piece) >= best, $"seed {seed}: started a level {picker.Priority(block.Piece)} piece while a level {best} one was fresh");
                        }
                        inTransit.Add((peer, block));
                    }
                }
                else if (roll < 9 && inTransit.Count > 0)
                {
                    var index = random.Next(inTransit.Count);
                    var (peer, block) = inTransit[index];
                    inTransit.RemoveAt(index);
                    if (picker.BlockReceived(peer, block).PieceComplete) picker.PieceVerified(block.Piece);
                }
                else
                {
                    levels[random.Next(levels.Length)] = (byte)random.Next(4);
                    priorities = PiecePriorities.FromFiles(layout, files, levels);
                    picker.SetPriorities(priorities);
                    for (var piece = 0; piece < priorities.Length; piece++) everWanted[piece] |= priorities[piece] > 0;
                }
                picker.CheckInvariants();
            }
            for (var piece = 0; piece < layout.PieceCount; piece++)
            {
                if (picker.Priority(piece) > 0) Assert.True(picker.Have[piece], $"seed {seed}: wanted piece {piece} missing at the end");
                if (!everWanted[piece]) Assert.False(picker.Have[piece] || picker.IsStarted(piece), $"seed {seed}: never-wanted piece {piece} was fetched");
            }
        }
    }

    private static long[] RandomSplit(Random random, long total)
    {
        var lengths = new List<long>();
        var left = total;
        while (left > 0)
        {
            var length = random.Next(4) == 0 ? 0 : Math.Min(left, random.NextInt64(1, Math.Max(2, total / 3)));
            lengths.Add(length);
            left -= length;
        }
        return lengths.ToArray();
    }

    private static byte[] RandomLevels(Random random, int files)
    {
        var levels = new byte[files];
        for (var i = 0; i < files; i++) levels[i] = (byte)random.Next(4);
        return levels;
    }
}
