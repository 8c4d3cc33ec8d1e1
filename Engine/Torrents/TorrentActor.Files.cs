using Akka.Actor;
using Engine.Core.Pieces;
using Engine.Core.Storage;
using Engine.Events;
using Engine.Peers;
using Engine.Pieces;
using Engine.Storage;

namespace Engine.Torrents;

/// <summary>
/// File priorities: which pieces are wanted (a piece is worth the most any file it touches is worth), the storage's
/// routing of skipped files to the parts file, and "complete" meaning every wanted piece verified.
/// </summary>
internal sealed partial class TorrentActor
{
    /// <summary>New priorities for the files (<see cref="PiecePriorities"/> levels, one per file); replies <see cref="CommandDone"/>.</summary>
    public sealed record SetFilePriorities(byte[] Levels);
    /// <summary>Replies the files' priorities (a byte[] of levels).</summary>
    public sealed record GetFilePriorities;
    /// <summary>Sequential mode on or off; replies <see cref="CommandDone"/>.</summary>
    public sealed record SetSequential(bool On);
    /// <summary>A reader's window: these pieces first, in order (a count of 0 clears it, as the reader closes). No reply.</summary>
    public sealed record SetStreamWindow(int Reader, int First, int Count);
    /// <summary>A reader's file ends (<see cref="StreamEdges"/>): these pieces before every reading window (none clears them, as the reader closes). No reply.</summary>
    public sealed record SetStreamEdges(int Reader, (int First, int Count)[] Edges);

    private bool _sequential;
    private readonly List<(int Reader, int First, int Count)> _windows = new(); // the reader that moved last first
    private readonly List<(int Reader, (int First, int Count)[] Edges)> _edges = new(); // the reader that opened last first

    private byte[] _fileLevels = [];
    private byte[] _pieceLevels = [];
    private Bitfield _wanted = new(0);

    private void InitFiles(FileLevels? files, bool sequential)
    {
        _sequential = sequential;
        _fileLevels = (files ?? new FileLevels([])).For(_torrent.Files.Count);
        PlanPieces();
    }

    private void PlanPieces()
    {
        var lengths = new long[_torrent.Files.Count];
        for (var i = 0; i < lengths.Length; i++) lengths[i] = _torrent.Files[i].Length;
        _pieceLevels = PiecePriorities.FromFiles(_torrent.Layout, new FileMap(lengths), _fileLevels);
        _wanted = new Bitfield(_torrent.PieceCount);
        for (var piece = 0; piece < _pieceLevels.Length; piece++) _wanted[piece] = _pieceLevels[piece] > 0;
    }

    private bool[] Skipped()
    {
        var skipped = new bool[_fileLevels.Length];
        for (var i = 0; i < skipped.Length; i++) skipped[i] = _fileLevels[i] == PiecePriorities.Skip;
        return skipped;
    }

    /// <summary>Every wanted piece is verified (with no file skipped: every piece).</summary>
    private bool IsDone() => !_wanted.HasAnyNotIn(_have);

    /// <summary>Readers whose windows count (the most recent ones): a reader that never closes cannot grow the list.</summary>
    private const int MaxReaders = 8;

    /// <summary>The open files' ends first (each once), then the reading windows.</summary>
    private (int First, int Count)[] WindowsToTell()
    {
        var windows = new List<(int First, int Count)>(_edges.Count * 2 + _windows.Count);
        foreach (var (_, edges) in _edges)
            foreach (var edge in edges)
                if (!windows.Contains(edge)) windows.Add(edge);
        foreach (var (_, first, count) in _windows) windows.Add((first, count));
        return [.. windows];
    }

    /// <summary>A new PieceManager learns the sequential mode and the reading windows.</summary>
    private void TellPlan()
    {
        if (_sequential) _pieces.Tell(new PieceManager.SetSequential(true));
        if (_windows.Count > 0 || _edges.Count > 0) _pieces.Tell(new PieceManager.SetWindows(WindowsToTell()));
    }

    /// <summary>The piece priorities for a new PieceManager; null when every piece is normal.</summary>
    private byte[]? PieceLevelsOrNull()
    {
        foreach (var level in _pieceLevels) if (level != PiecePriorities.Normal) return _pieceLevels;
        return null;
    }

    /// <summary>Handlers every behaviour has: the new plan goes to storage and the PieceManager; <paramref name="state"/> says what follows.</summary>
    private bool FileHandlers(object message, TorrentState state)
    {
        switch (message)
        {
            case GetFilePriorities:
                Sender.Tell(_fileLevels.ToArray());
                return true;
            case SetSequential m:
                _sequential = m.On;
                if (!_pieces.IsNobody()) _pieces.Tell(new PieceManager.SetSequential(m.On));
                Sender.Tell(new CommandDone(state));
                return true;
            case SetStreamWindow m:
                if (m.Count != 0 && (uint)m.First >= (uint)_torrent.PieceCount) return true;
                _windows.RemoveAll(w => w.Reader == m.Reader);
                if (m.Count > 0) _windows.Insert(0, (m.Reader, m.First, m.Count));
                if (_windows.Count > MaxReaders) _windows.RemoveRange(MaxReaders, _windows.Count - MaxReaders);
                if (!_pieces.IsNobody()) _pieces.Tell(new PieceManager.SetWindows(WindowsToTell()));
                return true;
            case SetStreamEdges m:
                foreach (var (first, count) in m.Edges)
                    if (count <= 0 || (uint)first >= (uint)_torrent.PieceCount) return true;
                _edges.RemoveAll(e => e.Reader == m.Reader);
                if (m.Edges.Length > 0) _edges.Insert(0, (m.Reader, m.Edges));
                if (_edges.Count > MaxReaders) _edges.RemoveRange(MaxReaders, _edges.Count - MaxReaders);
                if (!_pieces.IsNobody()) _pieces.Tell(new PieceManager.SetWindows(WindowsToTell()));
                return true;
            case SetFilePriorities m:
                OnSetFilePriorities(m, state);
                return true;
            default:
                return false;
        }
    }

    private void OnSetFilePriorities(SetFilePriorities m, TorrentState state)
    {
        if (m.Levels.Length != _fileLevels.Length)
        {
            Sender.Tell(new Status.Failure(new ArgumentException($"{m.Levels.Length} priorities for {_fileLevels.Length} files")));
            return;
        }
        var wasDone = IsDone();
        _fileLevels = m.Levels.ToArray();
        PlanPieces();
        StorageActor.QueueReroute(_disk, Skipped());
        if (!_pieces.IsNobody()) _pieces.Tell(new PieceManager.SetPriorities(_pieceLevels));
        var next = state;
        if (state == TorrentState.Seeding && !IsDone())
        {
            Enter(TorrentState.Downloading, Downloading);
            StartPeerManagerOnDemand();
            _peers.Tell(new PeerManager.SetSeeding(false));
            next = TorrentState.Downloading;
        }
        else if (state == TorrentState.Downloading && IsDone())
        {
            BecomeSeeding();
            next = TorrentState.Seeding;
        }
        else if (!wasDone && IsDone() && state == TorrentState.Paused) Publish(new Completed(_torrent.InfoHash, Now));
        Sender.Tell(new CommandDone(next));
    }
}
