using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Engine.Core.Metadata;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;

namespace Engine.Api;

/// <summary>One remembered torrent: how to add it again, where it saves, whether it was paused, its own limits.</summary>
/// <param name="Magnet">The magnet link it was added from while its metadata is unknown; null when its .torrent is kept beside the entry.</param>
/// <param name="FilePriorities">The files' priorities by index (null: all normal; entries of older versions have none).</param>
/// <param name="Sequential">Sequential mode (<see cref="TorrentHandle.SetSequentialAsync"/>; older entries: off).</param>
/// <param name="WebSeeds"><see cref="TorrentOptions.WebSeeds"/> (older entries: on).</param>
internal sealed record SessionEntry(string Hash, string? Magnet, string SaveDirectory, bool Paused, long? UploadLimit, long? DownloadLimit, DateTimeOffset AddedAt,
    IReadOnlyList<FilePriority>? FilePriorities = null, bool Sequential = false, bool WebSeeds = true);

/// <summary>
/// The torrents of an engine with <see cref="TorrentEngineOptions.Session"/> on: <c>&lt;hash&gt;.json</c> (a
/// <see cref="SessionEntry"/>) and <c>&lt;hash&gt;.torrent</c> in one directory, each replaced atomically. Changes of one
/// torrent are serialized by its handle; a failed write is kept as a problem, never thrown at the caller.
/// </summary>
internal sealed class SessionStore(string directory)
{
    private static readonly JsonTypeInfo<SessionEntry> Json = SessionJson.Default.SessionEntry;
    private readonly object _gate = new(), _writeGate = new();
    private readonly List<string> _problems = [];

    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>What could not be read or written (an unreadable entry, a full disk).</summary>
    public IReadOnlyList<string> Problems
    {
        get { lock (_gate) return _problems.ToArray(); }
    }

    public void Remember(TorrentHandle handle, bool paused)
    {
        // One writer at a time, the entry read from the handle inside: the add's own Remember and the metadata's Update
        // race when the metadata comes first (a local peer), and the later writer must not keep the magnet form.
        lock (_writeGate) RememberNow(handle, paused);
    }

    private void RememberNow(TorrentHandle handle, bool paused)
    {
        if (!handle.Remembered) return; // removed meanwhile
        var options = handle.Options;
        var entry = new SessionEntry(handle.InfoHash.ToHex(), handle.Metainfo is null ? handle.Magnet?.ToString() : null, handle.SaveDirectory, paused,
            options.UploadLimit, options.DownloadLimit, DateTimeOffset.UtcNow, options.FilePriorities, options.Sequential, options.WebSeeds);
        Try(() =>
        {
            System.IO.Directory.CreateDirectory(Directory);
            if (handle.Metainfo is { } metainfo && !File.Exists(TorrentPath(entry.Hash)))
                WriteAtomically(TorrentPath(entry.Hash), TorrentFile(metainfo));
            var previous = Read(entry.Hash);
            WriteAtomically(EntryPath(entry.Hash), JsonSerializer.SerializeToUtf8Bytes(entry with { AddedAt = previous?.AddedAt ?? entry.AddedAt }, Json));
        });
    }

    /// <summary>Records a change of a remembered torrent (paused, limits, priorities, sequential mode, its metadata now known); torrents not remembered are left out.</summary>
    public void Update(TorrentHandle handle, bool paused)
    {
        if (handle.Remembered) Remember(handle, paused);
    }

    public void Forget(InfoHash hash)
    {
        lock (_writeGate)
            Try(() =>
            {
                File.Delete(EntryPath(hash.ToHex()));
                File.Delete(TorrentPath(hash.ToHex()));
            });
    }

    /// <summary>Every remembered torrent, oldest first, with its .torrent bytes (null for a magnet); unusable entries become problems.</summary>
    public IReadOnlyList<(SessionEntry Entry, byte[]? Torrent)> Load()
    {
        var entries = new List<(SessionEntry, byte[]?)>();
        if (!System.IO.Directory.Exists(Directory)) return entries;
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            try
            {
                var entry = JsonSerializer.Deserialize<SessionEntry>(File.ReadAllBytes(path), Json) ?? throw new JsonException("the entry is null");
                if (entry.Hash != name || !InfoHash.TryFromHex(entry.Hash, out _)) throw new JsonException($"the entry names torrent '{entry.Hash}'");
                if (string.IsNullOrWhiteSpace(entry.SaveDirectory)) throw new JsonException("the entry has no save directory");
                entries.Add((entry, entry.Magnet is null ? File.ReadAllBytes(TorrentPath(name)) : null));
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
            {
                Problem($"{path}: {e.Message}");
            }
        }
        return entries.OrderBy(e => e.Item1.AddedAt).ToList();
    }

    public void Problem(string text)
    {
        lock (_gate) _problems.Add(text);
    }

    /// <summary>A .torrent of the metainfo: its info dictionary byte for byte (so the same info-hash), trackers (one tier each) and web seeds.</summary>
    private static byte[] TorrentFile(TorrentMetainfo t)
    {
        var query = string.Join("&", t.Trackers.Select(u => "tr=" + Uri.EscapeDataString(u)).Concat(t.UrlList.Select(u => "ws=" + Uri.EscapeDataString(u))));
        var magnet = MagnetLink.Parse($"magnet:?xt=urn:btih:{t.InfoHash.ToHex()}{(query.Length > 0 ? "&" + query : "")}");
        return MetadataTorrentFile.Build(t.RawInfo.Span, magnet);
    }

    private SessionEntry? Read(string hash)
    {
        try { return File.Exists(EntryPath(hash)) ? JsonSerializer.Deserialize<SessionEntry>(File.ReadAllBytes(EntryPath(hash)), Json) : null; }
        catch (Exception e) when (e is JsonException or IOException) { return null; }
    }

    private void Try(Action write)
    {
        try { write(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { Problem($"cannot update the session in {Directory}: {e.Message}"); }
    }

    private string EntryPath(string hash) => Path.Combine(Directory, hash + ".json");

    private string TorrentPath(string hash) => Path.Combine(Directory, hash + ".torrent");

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }
}
