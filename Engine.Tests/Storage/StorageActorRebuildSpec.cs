using Akka.Actor;
using Akka.TestKit.Xunit2;
using Engine.Core.Metainfo;
using Engine.Events;
using Engine.Metainfo;
using Engine.Storage;

namespace Engine.Tests.Storage;

/// <summary>
/// A hybrid torrent that came without piece layers (as from a magnet) rebuilds them from its files on disk: each layer is
/// the one the .torrent would have carried, data that does not lead to the pieces root gives none, and the layers
/// rebuilt are in the resume record, so the next start knows them without reading the files again.
/// </summary>
public sealed class StorageActorRebuildSpec : TestKit, IDisposable
{
    private const int Piece = 32 * 1024;
    private readonly string _root = Directory.CreateTempSubdirectory("storage-rebuild-").FullName;
    private readonly byte[] _stripped;
    private readonly TorrentMetainfo _full;

    public StorageActorRebuildSpec()
    {
        var dir = Path.Combine(_root, "data", "hyb");
        Directory.CreateDirectory(dir);
        var random = new Random(17);
        foreach (var (name, length) in new[] { ("a.bin", 3 * Piece + 1000), ("b.bin", 2 * Piece + 7), ("c.bin", 900) })
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(dir, name), bytes);
        }
        var torrent = TorrentCreator.Create(dir, new TorrentCreationOptions { Hybrid = true, PieceLength = Piece });
        _full = TorrentMetainfo.Parse(torrent);
        var layers = torrent.AsSpan().IndexOf("12:piece layers"u8);
        Assert.True(layers > 0);
        _stripped = [.. torrent[..layers], (byte)'e'];   // the last key of the top dictionary: what a magnet's metadata gives
    }

    public new void Dispose()
    {
        base.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private TorrentMetainfo Stripped()
    {
        var t = TorrentMetainfo.Parse(_stripped);
        Assert.True(t.IsHybrid);
        Assert.Equal(2, t.HashSource!.MissingLayers);                  // a.bin and b.bin; c.bin is one piece
        return t;
    }

    private string Resume => Path.Combine(_root, "state", "hyb.resume");

    private IActorRef Start(TorrentMetainfo t, StartupSource expected, out StorageActor.CheckCompleted check)
    {
        var storage = ActorOf(StorageActor.Props(t, Path.Combine(_root, "data"), Resume));
        storage.Tell(new StorageActor.CheckExisting());
        check = FishForMessage<StorageActor.CheckCompleted>(_ => true);
        Assert.Equal(expected, check.Source);
        return storage;
    }

    private StorageActor.LayerRebuilt Rebuild(IActorRef storage, int file)
    {
        storage.Tell(new StorageActor.RebuildLayer(file));
        var rebuilt = ExpectMsg<StorageActor.LayerRebuilt>(TimeSpan.FromSeconds(10));
        Assert.Equal(file, rebuilt.File);
        return rebuilt;
    }

    [Fact]
    public void Each_layer_rebuilt_from_the_files_is_the_one_the_torrent_carries()
    {
        var t = Stripped();
        var storage = Start(t, StartupSource.HashCheck, out var check);
        Assert.True(check.Verified.AllSet);                            // by the v1 hashes
        foreach (var file in new[] { 0, 1 })
        {
            Assert.True(Rebuild(storage, file).Ok);
            Assert.Equal(_full.HashSource!.Layer(file).ToArray(), t.HashSource!.Layer(file).ToArray());
        }
        Assert.Equal(0, t.HashSource!.MissingLayers);
        Assert.False(Rebuild(storage, 2).Ok);                          // one piece: it has no layer
    }

    [Fact]
    public void Data_that_does_not_lead_to_the_pieces_root_rebuilds_nothing()
    {
        var t = Stripped();
        using (var f = File.OpenWrite(Path.Combine(_root, "data", "hyb", "b.bin")))
        {
            f.Position = Piece + 3;
            f.WriteByte(0x5a);
            f.WriteByte(0xa5);
        }
        var storage = Start(t, StartupSource.HashCheck, out _);
        var rebuilt = Rebuild(storage, 1);
        Assert.False(rebuilt.Ok);
        Assert.False(rebuilt.NotRead);                                  // read, and wrong
        Assert.True(t.HashSource!.Layer(1).IsEmpty);
    }

    [Fact]
    public void Rebuilt_layers_are_in_the_resume_record_and_known_after_a_restart()
    {
        var t = Stripped();
        var first = Start(t, StartupSource.HashCheck, out var check);
        Assert.True(Rebuild(first, 0).Ok);
        Assert.True(Rebuild(first, 1).Ok);
        first.Tell(new StorageActor.Close(check.Verified.ToWire()));
        ExpectMsg<StorageActor.Closed>();
        Sys.Stop(first);

        var again = TorrentMetainfo.Parse(_stripped);
        Start(again, StartupSource.ResumeRecord, out var resumed);
        Assert.True(resumed.Verified.AllSet);
        Assert.Equal(0, again.HashSource!.MissingLayers);
        Assert.Equal(_full.HashSource!.Layer(0).ToArray(), again.HashSource.Layer(0).ToArray());
    }
}
