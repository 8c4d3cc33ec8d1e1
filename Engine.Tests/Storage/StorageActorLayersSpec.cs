using Akka.Actor;
using Akka.TestKit.Xunit2;
using Engine.Buffers;
using Engine.Core.Buffers;
using Engine.Core.Metainfo;
using Engine.Core.Pieces;
using Engine.Events;
using Engine.Metainfo;
using Engine.Storage;

namespace Engine.Tests.Storage;

/// <summary>
/// A v2-only torrent that came without its piece layer, across a restart: the layer learnt from peers and the pieces
/// held for it are in the resume record, so the next start knows the layer (nothing to fetch again), keeps the
/// verified pieces, and keeps the held ones — checked at once when the layer is known by then.
/// </summary>
public sealed class StorageActorLayersSpec : TestKit, IDisposable
{
    private const int Piece = 16 * 1024;
    private readonly string _root = Directory.CreateTempSubdirectory("storage-layers-").FullName;
    private readonly BlockPool _pool = new(64);
    private readonly byte[] _data = new byte[3 * Piece + 1000];   // one file of four pieces: it needs a layer
    private readonly byte[] _stripped;
    private readonly TorrentMetainfo _full;

    public StorageActorLayersSpec()
    {
        new Random(11).NextBytes(_data);
        var file = Path.Combine(_root, "src", "v2.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, _data);
        var bytes = TorrentCreator.Create(file, new TorrentCreationOptions { V2Only = true, PieceLength = Piece });
        _full = TorrentMetainfo.Parse(bytes);
        var layers = bytes.AsSpan().IndexOf("12:piece layers"u8);
        Assert.True(layers > 0);
        _stripped = [.. bytes[..layers], (byte)'e'];
    }

    public new void Dispose()
    {
        base.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    /// <summary>A fresh parse of the .torrent without its layer, as a restart loads it.</summary>
    private TorrentMetainfo Stripped()
    {
        var t = TorrentMetainfo.Parse(_stripped);
        Assert.Equal(1, t.MissingPieceLayers);
        return t;
    }

    private string Save => Path.Combine(_root, "dl");
    private string Resume => Path.Combine(_root, "state", "v2.resume");

    private IActorRef Start(TorrentMetainfo t, StartupSource expected, out StorageActor.CheckCompleted check)
    {
        var storage = ActorOf(StorageActor.Props(t, Save, Resume));
        storage.Tell(new StorageActor.CheckExisting());
        check = FishForMessage<StorageActor.CheckCompleted>(_ => true);
        Assert.Equal(expected, check.Source);
        return storage;
    }

    private void WritePiece(IActorRef storage, TorrentMetainfo t, int piece)
    {
        for (var b = 0; b < t.Layout.BlockCount(piece); b++)
        {
            var block = t.Layout.Block(piece, b);
            var data = _pool.Rent(block.Length);
            data.Span.Clear();
            var offset = (int)(t.Layout.PieceOffset(piece) + block.Offset);
            var n = Math.Max(0, Math.Min(block.Length, _data.Length - offset));
            _data.AsSpan(offset, n).CopyTo(data.Span);
            storage.Tell(new StorageActor.WriteBlock(block, data, new DiskCredit(0)));
        }
    }

    private static Bitfield Field(int count, params int[] set)
    {
        var field = new Bitfield(count);
        foreach (var i in set) field[i] = true;
        return field;
    }

    private void Stop(IActorRef storage, Bitfield verified, Bitfield? held)
    {
        storage.Tell(new StorageActor.Close(verified.ToWire()) { HeldBits = held?.ToWire() });
        ExpectMsg<StorageActor.Closed>();
        Sys.Stop(storage);
    }

    [Fact]
    public void A_layer_learnt_before_the_stop_is_known_after_the_restart_and_the_verified_pieces_are_kept()
    {
        var t = Stripped();
        var first = Start(t, StartupSource.NoData, out _);
        Assert.True(t.Merkle!.TrySetLayer(0, _full.Merkle!.Layer(0).Span));   // as the layer fetch sets it
        WritePiece(first, t, 1);
        first.Tell(new StorageActor.VerifyPiece(1));
        Assert.True(ExpectMsg<StorageActor.PieceChecked>().Ok);
        Stop(first, Field(t.PieceCount, 1), held: null);

        var again = Stripped();
        Start(again, StartupSource.ResumeRecord, out var check);
        Assert.Equal(0, again.MissingPieceLayers);                             // restored: nothing to ask peers for
        Assert.Equal(Field(again.PieceCount, 1).ToWire(), check.Verified.ToWire());
        Assert.Null(check.Held);
    }

    [Fact]
    public void Pieces_held_for_a_layer_still_unknown_are_held_again_after_the_restart()
    {
        var t = Stripped();
        var first = Start(t, StartupSource.NoData, out _);
        WritePiece(first, t, 0);
        WritePiece(first, t, 2);
        Stop(first, new Bitfield(t.PieceCount), Field(t.PieceCount, 0, 2));

        var again = Stripped();
        Start(again, StartupSource.ResumeRecord, out var check);
        Assert.Equal(1, again.MissingPieceLayers);
        Assert.True(check.Verified.NoneSet);
        Assert.Equal(Field(again.PieceCount, 0, 2).ToWire(), check.Held!.ToWire());
    }

    [Fact]
    public void Held_pieces_whose_layer_came_just_before_the_stop_are_checked_and_verified_at_the_restart()
    {
        var t = Stripped();
        var first = Start(t, StartupSource.NoData, out _);
        WritePiece(first, t, 0);
        WritePiece(first, t, 3);
        Assert.True(t.Merkle!.TrySetLayer(0, _full.Merkle!.Layer(0).Span));
        Stop(first, new Bitfield(t.PieceCount), Field(t.PieceCount, 0, 3));

        var again = Stripped();
        Start(again, StartupSource.ResumeRecord, out var check);
        Assert.Equal(Field(again.PieceCount, 0, 3).ToWire(), check.Verified.ToWire());
        Assert.Null(check.Held);
    }

    [Fact]
    public void A_layer_in_the_record_that_does_not_match_the_root_is_not_set()
    {
        var t = Stripped();
        var first = Start(t, StartupSource.NoData, out _);
        Assert.True(t.Merkle!.TrySetLayer(0, _full.Merkle!.Layer(0).Span));
        Stop(first, new Bitfield(t.PieceCount), held: null);
        var bytes = File.ReadAllBytes(Resume);
        var record = Engine.Core.Storage.ResumeState.TryDecode(bytes)!;
        var wrong = record.Layers[0].Layer.ToArray();
        wrong[0] ^= 1;
        File.WriteAllBytes(Resume, (record with { Layers = [(0, wrong)] }).Encode());

        var again = Stripped();
        Start(again, StartupSource.ResumeRecord, out _);
        Assert.Equal(1, again.MissingPieceLayers);
    }
}
