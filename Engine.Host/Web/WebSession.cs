using System.Text.Json;
using Engine.Core.Primitives;

namespace Engine.Host.Web;

/// <summary>One remembered torrent: how to add it again, where it saves, whether it was paused.</summary>
/// <param name="Magnet">The magnet link it was added from, or null when its .torrent is kept beside the entry.</param>
public sealed record SessionEntry(string Hash, string? Magnet, string SaveDirectory, bool Paused);

/// <summary>
/// The torrents of the web command, remembered across restarts in a directory: <c>&lt;hash&gt;.json</c> (a
/// <see cref="SessionEntry"/>) and, unless added by magnet, <c>&lt;hash&gt;.torrent</c>. Files are replaced atomically.
/// Not thread-safe per hash: callers serialize changes of one torrent (the engine handle does).
/// </summary>
public sealed class WebSession(string directory)
{
    /// <summary>The session directory's name under the directory torrents are saved in by default (<c>web --data</c>, <c>download -o</c>, <c>seed --data</c>).</summary>
    public const string DirectoryName = ".session";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Directory { get; } = Path.GetFullPath(directory);

    public void Remember(SessionEntry entry, byte[]? torrentFile)
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (torrentFile is not null) WriteAtomically(TorrentPath(entry.Hash), torrentFile);
        WriteAtomically(EntryPath(entry.Hash), JsonSerializer.SerializeToUtf8Bytes(entry, Json));
    }

    public void SetPaused(InfoHash hash, bool paused)
    {
        if (Read(hash.ToHex()) is { } entry && entry.Paused != paused) Remember(entry with { Paused = paused }, null);
    }

    public void Forget(InfoHash hash)
    {
        File.Delete(EntryPath(hash.ToHex()));
        File.Delete(TorrentPath(hash.ToHex()));
    }

    /// <summary>Every remembered torrent with its .torrent bytes (null for magnets), and the entries that cannot be used, with why.</summary>
    public (IReadOnlyList<(SessionEntry Entry, byte[]? Torrent)> Entries, IReadOnlyList<string> Problems) Load()
    {
        var entries = new List<(SessionEntry, byte[]?)>();
        var problems = new List<string>();
        if (!System.IO.Directory.Exists(Directory)) return (entries, problems);
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            try
            {
                var entry = JsonSerializer.Deserialize<SessionEntry>(File.ReadAllBytes(path), Json)
                    ?? throw new JsonException("the entry is null");
                if (entry.Hash != name || !InfoHash.TryFromHex(entry.Hash, out _))
                    throw new JsonException($"the entry names torrent '{entry.Hash}'");
                if (string.IsNullOrWhiteSpace(entry.SaveDirectory)) throw new JsonException("the entry has no save directory");
                var torrent = entry.Magnet is null ? File.ReadAllBytes(TorrentPath(name)) : null;
                entries.Add((entry, torrent));
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
            {
                problems.Add($"{path}: {e.Message}");
            }
        }
        return (entries, problems);
    }

    private SessionEntry? Read(string hash)
    {
        try
        {
            return JsonSerializer.Deserialize<SessionEntry>(File.ReadAllBytes(EntryPath(hash)), Json);
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return null;
        }
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
