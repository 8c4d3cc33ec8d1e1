using System.Threading.Channels;

namespace Engine.Storage;

/// <summary>
/// The queue of one torrent's disk worker (<see cref="StorageActor"/>): everything it is to do, in order. The storage actor
/// puts in what it is told; the torrent's <see cref="Pieces.PieceManager"/> puts the received blocks it accepts straight in
/// (<see cref="TryWrite"/>), not through the storage actor's mailbox — one actor message and one dispatch fewer per socket
/// read (docs/decisions.md, "Received blocks go to the disk queue directly"). A verification the piece manager asks for
/// after a piece's last block still comes after that block: the block is queued before the request is even told.
/// Thread-safe (many writers, the disk worker reads).
/// </summary>
internal sealed class DiskQueue
{
    private readonly Channel<object> _channel = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<object> Reader => _channel.Reader;

    /// <summary>
    /// Queues a <see cref="StorageActor.WriteBlock"/> or <see cref="StorageActor.WriteBlocks"/>; false once the worker has
    /// stopped — the buffers and credits are then given back here.
    /// </summary>
    public bool TryWrite(object write)
    {
        if (_channel.Writer.TryWrite(write)) return true;
        Release(write);
        return false;
    }

    /// <summary>Queues an operation of the storage actor (false once the worker has stopped).</summary>
    internal bool TryPost(object op) => _channel.Writer.TryWrite(op);

    /// <summary>The worker is stopping: nothing more is queued (what is already in is drained by the worker).</summary>
    public void Complete() => _channel.Writer.TryComplete();

    private static void Release(object write)
    {
        switch (write)
        {
            case StorageActor.WriteBlock w:
                w.Data.Release();
                w.Credit?.Release();
                break;
            case StorageActor.WriteBlocks ws:
                foreach (var data in ws.Data) data.Release();
                ws.Credit?.Release(ws.Blocks.Length);
                break;
        }
    }
}
