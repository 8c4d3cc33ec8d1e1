using Engine.Core.Metainfo;
using Engine.Metainfo;

namespace Engine.Bench.Hostile;

/// <summary>Random files and their torrent, in a temporary directory removed on dispose.</summary>
internal sealed class Content : IDisposable
{
    public Content(string name, long size, int pieceLength)
    {
        Root = Directory.CreateTempSubdirectory("bench-hostile-").FullName;
        SeedDirectory = Path.Combine(Root, "seed");
        var dir = Path.Combine(SeedDirectory, name);
        Directory.CreateDirectory(dir);
        var random = new Random(1);
        var buffer = new byte[1024 * 1024];
        using (var f = File.Create(Path.Combine(dir, "data.bin")))
            for (long done = 0; done < size; done += buffer.Length)
            {
                random.NextBytes(buffer);
                f.Write(buffer, 0, (int)Math.Min(buffer.Length, size - done));
            }
        Bytes = TorrentCreator.Create(dir, new TorrentCreationOptions { PieceLength = pieceLength });
        Metainfo = TorrentMetainfo.Parse(Bytes);
    }

    public string Root { get; }
    public string SeedDirectory { get; }
    public byte[] Bytes { get; }
    public TorrentMetainfo Metainfo { get; }

    public string NewDirectory(string name) => Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
