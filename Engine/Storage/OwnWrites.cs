namespace Engine.Storage;

/// <summary>
/// How many times the torrent's own disk worker has written to each of its files, shared between the writing
/// <see cref="TorrentStorage"/> and the upload <see cref="BlockSource"/>: a file whose modification time moved while
/// this count did not was changed by someone else. The writer counts a write before making it, so a reader that sees
/// the new time and then reads the count always sees the count moved as well. Thread-safe.
/// </summary>
internal sealed class OwnWrites(int files)
{
    private readonly long[] _counts = new long[files];

    /// <summary>Called by the writer just before it writes to <paramref name="file"/>.</summary>
    public void Writing(int file) => Interlocked.Increment(ref _counts[file]);

    public long Of(int file) => Volatile.Read(ref _counts[file]);
}
