using Engine.Core.Primitives;

namespace Engine.Sharing;

/// <summary>
/// The state of one shared directory as a pure core (no I/O, takes <c>now</c>): which top-level files are settling,
/// being hashed, shared, fetched or skipped. <see cref="Observe"/> takes a directory listing and answers what to do:
/// a file is made into a torrent once it was seen twice with the same size and write time and was last written at
/// least <see cref="QuietPeriod"/> ago; a shared file that changes or disappears is unshared (a changed one then
/// settles again as a new file). Files being fetched are never touched by the scan. Not thread-safe.
/// </summary>
internal sealed class ShareLibrary
{
    private sealed class Entry(string name)
    {
        public string Name { get; } = name;
        public ShareItemState State { get; set; }
        public InfoHash? InfoHash { get; set; }
        public FileSignature? Signature { get; set; }
        public DateTimeOffset SeenSince { get; set; }
        public bool Local { get; set; }
        public bool Published { get; set; }
        public string? Problem { get; set; }

        public ShareItem ToItem() => new(Name, State, InfoHash, Signature, Local, Published, Problem);
    }

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public ShareLibrary(TimeSpan quietPeriod)
    {
        if (quietPeriod < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(quietPeriod), "the quiet period must not be negative");
        QuietPeriod = quietPeriod;
    }

    public TimeSpan QuietPeriod { get; }

    /// <summary>Every file the library knows, by name.</summary>
    public IReadOnlyList<ShareItem> Items
    {
        get
        {
            var list = new List<ShareItem>(_entries.Count);
            foreach (var e in _entries.Values) list.Add(e.ToItem());
            list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            return list;
        }
    }

    public ShareItem? Find(string name) => _entries.TryGetValue(name, out var e) ? e.ToItem() : null;

    public ShareItem? Find(InfoHash infoHash)
    {
        foreach (var e in _entries.Values)
            if (e.InfoHash == infoHash) return e.ToItem();
        return null;
    }

    /// <summary>
    /// Names a scan considers: not hidden (a leading '.', which also keeps our own state directory out), not an editor
    /// backup or partial download (a trailing '~', '.part', '.tmp', '.crdownload').
    /// </summary>
    public static bool IsShareableName(string name) =>
        name.Length > 0 && name[0] != '.' && name[^1] != '~'
        && !name.EndsWith(".part", StringComparison.OrdinalIgnoreCase)
        && !name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase)
        && !name.EndsWith(".crdownload", StringComparison.OrdinalIgnoreCase);

    /// <summary>Brings back what an earlier run recorded: shared files are <see cref="ShareItemState.Restored"/> until a scan sees them unchanged.</summary>
    public void Restore(ShareRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _entries[record.Name] = new Entry(record.Name)
        {
            State = record.Downloading ? ShareItemState.Downloading : ShareItemState.Restored,
            InfoHash = record.InfoHash,
            Signature = record.Signature,
            Local = record.Local,
            Published = record.Published,
        };
    }

    /// <summary>What should be persisted: every file that has a torrent (shared, restored or being fetched).</summary>
    public IReadOnlyList<ShareRecord> Records()
    {
        var list = new List<ShareRecord>();
        foreach (var e in _entries.Values)
            if (e.InfoHash is { } hash && e.State is ShareItemState.Shared or ShareItemState.Restored or ShareItemState.Downloading)
                list.Add(new ShareRecord(e.Name, hash, e.State == ShareItemState.Downloading, e.Signature, e.Local, e.Published));
        list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return list;
    }

    /// <summary>Takes a listing of the directory's top-level files and plans the work.</summary>
    public ScanPlan Observe(IReadOnlyList<ListedFile> listing, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(listing);
        var toHash = new List<ListedFile>();
        var toUnshare = new List<Unshare>();
        var toResume = new List<(string, InfoHash)>();
        var skipped = new List<(string, string)>();
        DateTimeOffset? next = null;
        var listed = new Dictionary<string, ListedFile>(listing.Count, StringComparer.Ordinal);
        foreach (var f in listing)
            if (IsShareableName(f.Name)) listed[f.Name] = f;

        foreach (var entry in _entries.Values.ToList())
        {
            if (listed.ContainsKey(entry.Name) || entry.State == ShareItemState.Downloading) continue;
            if (entry.State is ShareItemState.Shared or ShareItemState.Restored && entry.InfoHash is { } gone)
                toUnshare.Add(new Unshare(entry.Name, gone, "the file was deleted"));
            _entries.Remove(entry.Name);
        }

        foreach (var file in listed.Values)
        {
            var signature = file.Signature;
            if (!_entries.TryGetValue(file.Name, out var entry))
            {
                _entries[file.Name] = new Entry(file.Name) { State = ShareItemState.Settling, Signature = signature, SeenSince = now };
                next = Earliest(next, SettledAt(file, now, now));
                continue;
            }
            switch (entry.State)
            {
                case ShareItemState.Downloading:
                    break;
                case ShareItemState.Settling:
                    if (entry.Signature != signature)
                    {
                        entry.Signature = signature;
                        entry.SeenSince = now;
                        next = Earliest(next, SettledAt(file, now, now));
                    }
                    else if (IsSettled(file, entry.SeenSince, now))
                    {
                        if (file.Size == 0)
                        {
                            entry.State = ShareItemState.Skipped;
                            entry.Problem = "the file is empty (a torrent needs data)";
                            skipped.Add((entry.Name, entry.Problem));
                        }
                        else
                        {
                            entry.State = ShareItemState.Hashing;
                            toHash.Add(file);
                        }
                    }
                    else next = Earliest(next, SettledAt(file, entry.SeenSince, now));
                    break;
                case ShareItemState.Hashing:
                    entry.Signature = signature; // Hashed compares against this
                    break;
                case ShareItemState.Skipped:
                    if (entry.Signature != signature) Resettle(entry, signature, now, file, ref next);
                    break;
                case ShareItemState.Shared or ShareItemState.Restored:
                    if (entry.Signature is null || entry.Signature == signature)
                    {
                        entry.Signature = signature; // a fetched file's first sight after completion is its baseline
                        if (entry.State == ShareItemState.Restored) toResume.Add((entry.Name, entry.InfoHash!.Value));
                        entry.State = ShareItemState.Shared;
                    }
                    else
                    {
                        toUnshare.Add(new Unshare(entry.Name, entry.InfoHash!.Value,
                            entry.State == ShareItemState.Restored ? "the file changed while we were not running" : "the file changed"));
                        Resettle(entry, signature, now, file, ref next);
                    }
                    break;
            }
        }
        return new ScanPlan(toHash, toUnshare, toResume, skipped, next);
    }

    /// <summary>
    /// A torrent was made from <paramref name="hashedFrom"/>. True when the file is still as it was hashed: the entry is
    /// then shared (not yet published). False when it changed or went away meanwhile: it settles again.
    /// </summary>
    public bool Hashed(string name, FileSignature hashedFrom, InfoHash infoHash, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(name, out var entry) || entry.State != ShareItemState.Hashing) return false;
        if (entry.Signature != hashedFrom)
        {
            entry.State = ShareItemState.Settling;
            entry.SeenSince = now;
            return false;
        }
        entry.State = ShareItemState.Shared;
        entry.InfoHash = infoHash;
        entry.Local = true;
        entry.Published = false;
        entry.Problem = null;
        return true;
    }

    /// <summary>The torrent made from a file is thrown away (the file changed while it was hashed): it settles again.</summary>
    public void HashDiscarded(string name, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(name, out var entry) || entry.State != ShareItemState.Hashing) return;
        entry.State = ShareItemState.Settling;
        entry.SeenSince = now;
    }

    /// <summary>Making the torrent failed (unreadable file, ...): skipped until the file changes.</summary>
    public void HashFailed(string name, string reason)
    {
        if (!_entries.TryGetValue(name, out var entry) || entry.State != ShareItemState.Hashing) return;
        entry.State = ShareItemState.Skipped;
        entry.Problem = reason;
    }

    public void MarkPublished(InfoHash infoHash)
    {
        foreach (var e in _entries.Values)
            if (e.InfoHash == infoHash) e.Published = true;
    }

    /// <summary>Local shared torrents the tracker has not accepted yet.</summary>
    public IReadOnlyList<ShareItem> Unpublished()
    {
        var list = new List<ShareItem>();
        foreach (var e in _entries.Values)
            if (e.Local && !e.Published && e.State == ShareItemState.Shared) list.Add(e.ToItem());
        return list;
    }

    /// <summary>Starts a fetch into <paramref name="name"/>. Null when accepted, otherwise why not.</summary>
    public string? AddDownload(string name, InfoHash infoHash)
    {
        if (!IsShareableName(name)) return $"'{name}' is not a name this directory shares (hidden or temporary)";
        if (_entries.TryGetValue(name, out var existing))
            return existing.InfoHash == infoHash
                ? null
                : $"'{name}' already exists here with other content";
        foreach (var e in _entries.Values)
            if (e.InfoHash == infoHash) return $"{infoHash} is already here as '{e.Name}'";
        _entries[name] = new Entry(name) { State = ShareItemState.Downloading, InfoHash = infoHash, Published = true };
        return null;
    }

    /// <summary>A fetch finished: the file is shared; the next scan takes its size and write time as the baseline.</summary>
    public void DownloadCompleted(InfoHash infoHash)
    {
        foreach (var e in _entries.Values)
            if (e.InfoHash == infoHash && e.State == ShareItemState.Downloading)
            {
                e.State = ShareItemState.Shared;
                e.Signature = null;
            }
    }

    /// <summary>Forgets a torrent (a failed fetch, or one the caller removed).</summary>
    public void Remove(InfoHash infoHash)
    {
        foreach (var e in _entries.Values.ToList())
            if (e.InfoHash == infoHash) _entries.Remove(e.Name);
    }

    private void Resettle(Entry entry, FileSignature signature, DateTimeOffset now, ListedFile file, ref DateTimeOffset? next)
    {
        entry.State = ShareItemState.Settling;
        entry.Signature = signature;
        entry.SeenSince = now;
        entry.InfoHash = null;
        entry.Local = false;
        entry.Published = false;
        entry.Problem = null;
        next = Earliest(next, SettledAt(file, now, now));
    }

    /// <summary>Seen in an earlier scan with this signature, and last written a quiet period ago.</summary>
    private bool IsSettled(ListedFile file, DateTimeOffset seenSince, DateTimeOffset now) =>
        seenSince < now && now - LastWrite(file, seenSince, now) >= QuietPeriod;

    /// <summary>When a settling file can be taken: after another look, and a quiet period after its last write.</summary>
    private DateTimeOffset SettledAt(ListedFile file, DateTimeOffset seenSince, DateTimeOffset now)
    {
        var again = seenSince + TimeSpan.FromTicks(Math.Max(QuietPeriod.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks));
        var quiet = LastWrite(file, seenSince, now) + QuietPeriod;
        var at = again > quiet ? again : quiet;
        return at > now ? at : now + TimeSpan.FromMilliseconds(50);
    }

    /// <summary>
    /// The file's write time; one in our future (a clock ahead of ours) counts as the moment we first saw it,
    /// so that the quiet period still ends.
    /// </summary>
    private static DateTimeOffset LastWrite(ListedFile file, DateTimeOffset seenSince, DateTimeOffset now)
    {
        var written = new DateTimeOffset(DateTime.SpecifyKind(file.ModifiedUtc, DateTimeKind.Utc));
        return written <= now ? written : seenSince;
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;
}
