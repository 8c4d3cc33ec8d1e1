namespace Engine.Storage;

/// <summary>
/// How many times the torrent's own disk worker has started and finished writing to each of its files, shared between
/// the writing <see cref="TorrentStorage"/> and the upload <see cref="BlockSource"/>: a file whose modification time
/// moved while no write of ours was under way or done since was changed by someone else. The writer counts a write as
/// started before making it and as finished after (<see cref="ChangeGuard"/> reads them on either side of the time).
/// Thread-safe.
/// </summary>
internal sealed class OwnWrites(int files)
{
    private readonly long[] _started = new long[files];
    private readonly long[] _finished = new long[files];

    /// <summary>Called by the writer just before it writes to <paramref name="file"/>.</summary>
    public void Writing(int file) => Interlocked.Increment(ref _started[file]);

    /// <summary>Called by the writer once the write <see cref="Writing"/> announced is done (or failed).</summary>
    public void Written(int file) => Interlocked.Increment(ref _finished[file]);

    /// <summary>Writes started on <paramref name="file"/>.</summary>
    public long Of(int file) => Volatile.Read(ref _started[file]);

    /// <summary>Writes finished on <paramref name="file"/>: each is in the file's modification time read after this.</summary>
    public long Finished(int file) => Volatile.Read(ref _finished[file]);
}
