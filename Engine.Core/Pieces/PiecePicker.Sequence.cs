using System.Numerics;
using Engine.Core.Primitives;

namespace Engine.Core.Pieces;

internal sealed partial class PiecePicker
{
    private (int Start, int End)[] _windows = []; // streaming: each reader's window, the reader that moved last first

    /// <summary>Sequential mode: within a priority level, new pieces are started in index order instead of rarest first.</summary>
    public bool Sequential { get; set; }

    /// <summary>
    /// Streaming: the wanted pieces of [<paramref name="first"/>, first + <paramref name="count"/>) come before everything
    /// else, in index order (a reader waits on the first); the rest stays rarest-first so the swarm is not starved.
    /// A count of 0 clears the window. One reader's <see cref="SetWindows"/>.
    /// </summary>
    public void SetWindow(int first, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        SetWindows(count == 0 ? [] : [(first, count)]);
    }

    /// <summary>
    /// Streaming with several readers (a video player reads the start and, at once, the index at the end): each
    /// window's wanted pieces come before everything else, the windows in the order given (the reader that moved last
    /// first), each in index order. None clears them.
    /// </summary>
    public void SetWindows(ReadOnlySpan<(int First, int Count)> windows)
    {
        var list = new (int Start, int End)[windows.Length];
        for (var i = 0; i < windows.Length; i++)
        {
            var (first, count) = windows[i];
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
            CheckPiece(first);
            list[i] = (first, (int)Math.Min((long)first + count, _layout.PieceCount));
        }
        _windows = list;
        if (list.Length > 0) _freshVersion++; // window pieces may be pickable for a peer that found nothing fresh
    }

    /// <summary>The first reading window, or (-1, -1).</summary>
    public (int First, int End) Window => _windows.Length > 0 ? _windows[0] : (-1, -1);

    /// <summary>Every reading window, the one that moved last first.</summary>
    public IReadOnlyList<(int Start, int End)> Windows => _windows;

    private bool HasWindow => _windows.Length > 0;

    private bool InWindow(int piece)
    {
        foreach (var (start, end) in _windows)
            if (piece >= start && piece < end) return true;
        return false;
    }

    /// <summary>
    /// Streaming, when a window has jumped (a file opened, a seek): a peer serves requests in the order they came, so
    /// the window's blocks, free or already asked of it, wait behind every other request it holds — at a slow seeder,
    /// seconds of data. When the peer has a window piece still missing, this gives back all its claims outside the
    /// windows (at most <paramref name="released"/>.Length) and returns how many; the caller cancels them at the peer,
    /// whose pipeline then refills: the windows' free blocks first, the rest behind. Also when every block is asked for
    /// already (a small torrent, or endgame): the order at the peer is what counts.
    /// </summary>
    public int ReleaseForWindows(int peer, Span<BlockRequest> released)
    {
        if (!HasWindow || !_peers.TryGetValue(peer, out var state) || state.Claims.Count == 0) return 0;
        var useful = false;
        foreach (var (start, end) in _windows)
            for (var piece = start; piece < end && !useful; piece++) useful = _needed[piece] && state.Has[piece];
        if (!useful) return 0;
        var n = 0;
        foreach (var claim in state.Claims)
        {
            if (n == released.Length) break;
            if (!InWindow(claim.Piece)) released[n++] = claim;
        }
        for (var i = 0; i < n; i++) Release(peer, released[i]);
        return n;
    }

    /// <summary>
    /// True when a window of <paramref name="windows"/> starts outside every current window, or when a window is gone (a
    /// reader closed) and a piece still needed of it is in none of the new ones: what its window had asked for would
    /// otherwise stay ahead of the others' (a browser reads a file's start, then asks for its end inside that window and
    /// closes the first request). Not when a reader moves on within its window.
    /// </summary>
    public bool Jumps(ReadOnlySpan<(int First, int Count)> windows)
    {
        foreach (var (first, _) in windows)
            if (!InWindow(first)) return true;
        if (windows.Length >= _windows.Length) return false;
        foreach (var (start, end) in _windows)
            for (var piece = start; piece < end; piece++)
                if (_needed[piece] && !Covers(windows, piece)) return true;
        return false;
    }

    private static bool Covers(ReadOnlySpan<(int First, int Count)> windows, int piece)
    {
        foreach (var (first, count) in windows)
            if (piece >= first && piece - first < count) return true;
        return false;
    }

    /// <summary>Claims free blocks of the windows' pieces, window by window and in index order, before any other piece.</summary>
    private int PickWindow(PeerState state, Bitfield peerHas, Span<BlockRequest> destination)
    {
        var written = 0;
        foreach (var (start, end) in _windows)
        {
            for (var piece = start; piece < end && written < destination.Length; piece++)
            {
                if (!_needed[piece] || !peerHas[piece]) continue;
                var progress = ProgressOf(piece);
                if (progress is null) progress = Activate(piece);
                else if (progress.FreeCount == 0) continue;
                written += ClaimFree(state, progress, destination[written..], cooling: true); // the window cannot wait
            }
        }
        return written;
    }

    /// <summary>The lowest-index fresh piece of the level that the peer has (sequential mode).</summary>
    private int PickFirstFresh(Bitfield peerHas)
    {
        var theirs = peerHas.Words;
        var needed = _needed.Words;
        for (var level = _levels.Length; level >= 1; level--)
        {
            if (_freshAt[level - 1] == 0) continue;
            for (var w = 0; w < theirs.Length; w++)
            {
                var bits = theirs[w] & needed[w];
                while (bits != 0)
                {
                    var bit = BitOperations.LeadingZeroCount(bits);
                    bits &= ~(1UL << (63 - bit));
                    var piece = (w << 6) + bit;
                    if (ProgressOf(piece) is null && _priority[piece] == level) return piece;
                }
            }
        }
        return -1;
    }
}
