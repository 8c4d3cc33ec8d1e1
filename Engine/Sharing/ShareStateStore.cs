using Engine.Core.Primitives;

namespace Engine.Sharing;

/// <summary>
/// The files under <c>&lt;dir&gt;/.share-state/</c> (or <see cref="ShareOptions.StateDirectory"/>): <c>index.json</c> (<see cref="ShareIndex"/>), <c>torrents/&lt;hash&gt;.torrent</c>,
/// and <c>resume/</c> for the engine. Writes are queued in order on one background chain (never on the caller's thread)
/// and are atomic (temp file + rename); <see cref="FlushAsync"/> waits for them.
/// </summary>
internal sealed class ShareStateStore
{
    private readonly object _gate = new();
    private Task _writes = Task.CompletedTask;

    public ShareStateStore(string sharedDirectory, string? stateDirectory = null)
    {
        Root = stateDirectory is null ? Path.Combine(sharedDirectory, ShareIndex.StateDirectoryName) : Path.GetFullPath(stateDirectory);
        Directory.CreateDirectory(TorrentsDirectory);
        Directory.CreateDirectory(ResumeDirectory);
    }

    public string Root { get; }
    public string TorrentsDirectory => Path.Combine(Root, "torrents");
    public string ResumeDirectory => Path.Combine(Root, "resume");
    public string IndexPath => Path.Combine(Root, "index.json");

    /// <summary>Raised (on the writer's thread) with the reason when a state write fails.</summary>
    public event Action<string>? WriteFailed;

    /// <summary>Reads the index and the .torrent file of each record (synchronously: called once at start). Records whose .torrent is missing are dropped and named in <paramref name="problems"/>.</summary>
    public IReadOnlyList<(ShareRecord Record, byte[] Torrent)> Load(List<string> problems)
    {
        if (!File.Exists(IndexPath)) return [];
        IReadOnlyList<ShareRecord> records;
        try { records = ShareIndex.Read(File.ReadAllBytes(IndexPath)); }
        catch (FormatException e) { throw new ShareException($"{IndexPath}: {e.Message} (move it away to start afresh)", e); }
        var list = new List<(ShareRecord, byte[])>();
        foreach (var r in records)
        {
            var path = TorrentPath(r.InfoHash);
            try { list.Add((r, File.ReadAllBytes(path))); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add($"'{r.Name}': its .torrent {path} cannot be read ({e.Message}); it will be shared afresh");
            }
        }
        return list;
    }

    public string TorrentPath(InfoHash infoHash) => Path.Combine(TorrentsDirectory, infoHash.ToHex() + ".torrent");

    public void SaveIndex(IReadOnlyList<ShareRecord> records)
    {
        var bytes = ShareIndex.Write(records);
        Enqueue(() => WriteAtomically(IndexPath, bytes));
    }

    public void SaveTorrent(InfoHash infoHash, byte[] torrent) => Enqueue(() => WriteAtomically(TorrentPath(infoHash), torrent));

    public void DeleteTorrent(InfoHash infoHash) => Enqueue(() => File.Delete(TorrentPath(infoHash)));

    public Task FlushAsync()
    {
        lock (_gate) return _writes;
    }

    private void Enqueue(Action write)
    {
        lock (_gate)
            _writes = _writes.ContinueWith(_ =>
            {
                try { write(); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { WriteFailed?.Invoke(e.Message); }
            }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var tmp = path + ".tmp";
        File.WriteAllBytes(tmp, bytes);
        File.Move(tmp, path, overwrite: true);
    }
}
