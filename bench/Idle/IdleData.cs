using Engine.Core.Metainfo;
using Engine.Metainfo;

namespace Engine.Bench.Idle;

/// <summary>
/// The idle benchmark's data: <c>count</c> single-file torrents of a few hundred KiB each (sizes vary), files in
/// one save directory, .torrent files (no tracker, 16 KiB pieces) in another. Generated with a seeded Random.
/// </summary>
public sealed class IdleData
{
    private IdleData(string saveDirectory, string torrentDirectory, long totalBytes, int count)
    {
        SaveDirectory = saveDirectory;
        TorrentDirectory = torrentDirectory;
        TotalBytes = totalBytes;
        Count = count;
    }

    public string SaveDirectory { get; }
    public string TorrentDirectory { get; }
    public long TotalBytes { get; }
    public int Count { get; }

    public static IdleData Create(string root, int count, int sizeKiB)
    {
        var save = Path.Combine(root, "data");
        var torrents = Path.Combine(root, "torrents");
        Directory.CreateDirectory(save);
        Directory.CreateDirectory(torrents);
        var random = new Random(20261123);
        var buffer = new byte[sizeKiB * 1024 * 2];
        var options = new TorrentCreationOptions { PieceLength = 16 * 1024, OmitCreationDate = true, MaxParallelism = 1 };
        long total = 0;
        for (var i = 0; i < count; i++)
        {
            // Between half and one and a half the nominal size, not a multiple of the piece length.
            var length = sizeKiB * 512 + random.Next(sizeKiB * 1024);
            random.NextBytes(buffer.AsSpan(0, length));
            var file = Path.Combine(save, $"idle-{i:D4}.bin");
            File.WriteAllBytes(file, buffer.AsSpan(0, length).ToArray());
            File.WriteAllBytes(Path.Combine(torrents, $"idle-{i:D4}.torrent"), TorrentCreator.Create(file, options));
            total += length;
        }
        return new IdleData(save, torrents, total, count);
    }

    public IEnumerable<string> TorrentFiles() => Directory.EnumerateFiles(TorrentDirectory, "*.torrent").Order(StringComparer.Ordinal);
}
