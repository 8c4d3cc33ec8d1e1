using Microsoft.Win32.SafeHandles;

namespace Engine.Storage;

/// <summary>
/// Notices that a file a reading-only storage serves was changed behind our back: after each read it compares the
/// file's modification time (one <c>fstat</c> on the open handle) with the one it last saw. A change is ours when the
/// torrent's disk worker wrote to the file meanwhile (<see cref="OwnWrites"/>: a download writes into files it also
/// serves verified pieces from); otherwise the file was overwritten, touched or truncated by someone else and its
/// verified pieces can no longer be trusted. Each change is reported once (the new time becomes the one last seen).
/// The time seen goes with the writes finished before it was read, not those started: a write under way then moves the
/// time later, and must still count as ours (taking the started count, a read between a write's count and its landing
/// took the landing for someone else's: a download uploading from the file it wrote, on the interop swarm with rtorrent
/// and ctorrent, dropped both peers and checked 66 pieces again).
/// Limits: a change made in the same instant as one of our own writes to that file, or within the file system's
/// time granularity of the last one seen, goes unnoticed; a seeding torrent makes no writes, so only the granularity
/// applies there. Thread-safe.
/// </summary>
internal sealed class ChangeGuard
{
    private readonly OwnWrites? _ownWrites;
    private readonly long[] _seenTime;
    private readonly long[] _seenWrites;
    private readonly object _gate = new();

    public ChangeGuard(int files, OwnWrites? ownWrites)
    {
        _ownWrites = ownWrites;
        _seenTime = new long[files];
        _seenWrites = new long[files];
    }

    /// <summary>Records the current time of a file that exists now (the state its verified pieces were checked in).</summary>
    public void Baseline(int file, string path)
    {
        var finished = _ownWrites?.Finished(file) ?? 0; // before the time: each of these is in it
        var info = new FileInfo(path);
        if (!info.Exists) return;
        lock (_gate)
        {
            _seenWrites[file] = finished;
            Volatile.Write(ref _seenTime[file], info.LastWriteTimeUtc.Ticks);
        }
    }

    /// <summary>Takes the file's current time as seen (its change is being reported another way).</summary>
    public void Seen(int file, SafeFileHandle handle)
    {
        var finished = _ownWrites?.Finished(file) ?? 0;
        var time = File.GetLastWriteTimeUtc(handle).Ticks;
        lock (_gate)
        {
            _seenWrites[file] = finished;
            Volatile.Write(ref _seenTime[file], time);
        }
    }

    /// <summary>Throws <see cref="DataLostException"/> when <paramref name="file"/> changed since last seen, other than by our own writes.</summary>
    public void Check(int file, SafeFileHandle handle, string path)
    {
        var finished = _ownWrites?.Finished(file) ?? 0; // read before the time: each of these is in it
        var time = File.GetLastWriteTimeUtc(handle).Ticks;
        if (time == Volatile.Read(ref _seenTime[file])) return; // the usual case: nothing moved, no lock
        var started = _ownWrites?.Of(file) ?? 0; // read after the time: a write of ours that moved it has started already
        lock (_gate)
        {
            var seen = _seenTime[file];
            var ours = started != _seenWrites[file];
            _seenWrites[file] = finished;
            Volatile.Write(ref _seenTime[file], time);
            if (seen == 0 || seen == time || ours) return;
        }
        throw new DataLostException(file, $"'{path}' was changed on disk since its pieces were verified");
    }
}
