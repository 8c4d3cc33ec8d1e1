using System.Net;
using Akka.Actor;
using Engine.Actors;
using Engine.Buffers;
using Engine.Core.Buffers;
using Engine.Core.Merkle;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using Engine.Events;
using Engine.Storage;

namespace Engine.Pieces;

/// <summary>
/// Owns our bitfield and the in-transit field (through the pure <see cref="PiecePicker"/>): which
/// blocks are claimed by which peer, rarest-first selection and endgame. Peers tell it what they have
/// and ask it for blocks; received blocks go from here to storage, and a piece whose last block
/// arrived is verified by storage off the actor thread. On verification HAVE goes to every peer and
/// interest is updated both ways; a failed piece is fetched again, from one peer if possible, and the peer whose
/// blocks were wrong is found and banned (<see cref="SmartBan{TPeer}"/>, PieceManager.Verdicts.cs). It watches every
/// peer: when one stops, its claimed blocks return to the pool at once.
/// See docs/architecture.md ("the life of a block").
/// </summary>
internal sealed partial class PieceManager : UntypedActor, IWithTimers
{
    // ---- from peers -----------------------------------------------------------------------------
    /// <summary>
    /// A peer's handshake is done; <paramref name="Remote"/> is the address it is connected from (who a ban would name);
    /// <paramref name="SpeaksV2"/>: it speaks BEP 52, so missing piece layers may be asked of it; <paramref name="CanCancel"/>
    /// false for a web seed (a range in flight cannot be cancelled).
    /// </summary>
    public sealed record PeerJoined(PeerId PeerId, IPEndPoint Remote, bool SpeaksV2 = false, bool CanCancel = true);
    public sealed record PeerBitfield(Bitfield Has);
    public sealed record PeerHave(int Piece);
    public sealed record PeerHaveAll;
    public sealed record RequestBlocks(int Max);
    /// <summary>A block from a peer; <see cref="AskFor"/>: then assign it up to that many blocks, as <see cref="RequestBlocks"/> (0: none).</summary>
    public sealed record BlockArrived(PieceMessage Block, DiskCredit Credit)
    {
        public int AskFor { get; init; }
    }
    /// <summary>Several blocks from one socket read of one peer; one credit of <paramref name="Credit"/> per block; <see cref="AskFor"/> as in <see cref="BlockArrived"/>.</summary>
    public sealed record BlocksArrived(PieceMessage[] Blocks, DiskCredit Credit)
    {
        public int AskFor { get; init; }
    }
    /// <param name="Cancelled">Cancels were sent for them and the peer may still send some (<see cref="PiecePicker.ReleaseCancelled"/>); the blocks are in the order they were requested.</param>
    public sealed record ReleaseBlocks(BlockRequest[] Blocks, bool Cancelled = false);

    /// <summary>How fast the sending peer delivers (its session's rate sample): the endgame duplicates by it.</summary>
    internal sealed record PeerPaced(PeerPace Pace);

    // ---- to peers -------------------------------------------------------------------------------
    public sealed record Welcome(Bitfield Have);
    public sealed record Interest(bool Interested);
    public sealed record BlocksAssigned(BlockRequest[] Blocks);
    public sealed record CancelBlock(BlockRequest Block);
    /// <summary>Streaming: these requests were taken back for the reading windows; cancel them and ask for more.</summary>
    public sealed record Reclaim(BlockRequest[] Blocks);
    public sealed record HaveBroadcast(int Piece);
    public sealed record BanPeer(string Reason);

    // ---- to the parent (torrent), for the PeerManager -------------------------------------------
    /// <summary>
    /// The peer named by <paramref name="Key"/> (<see cref="Core.Peers.PeerAddress.Key"/>) sent wrong data: ban it, whether
    /// it is still connected or not.
    /// </summary>
    public sealed record BanAddress(IPEndPoint Key, string Reason);

    // ---- to the parent (torrent) ----------------------------------------------------------------
    public sealed record Progress(int VerifiedPieces, long VerifiedBytes, bool Complete, bool InEndgame, int HashFailures, long ReceivedBytes);
    public sealed record DownloadCompleted;

    /// <summary>New piece priorities (<see cref="PiecePriorities"/>, one per piece): the picker re-plans, interest is re-evaluated.</summary>
    public sealed record SetPriorities(byte[] Pieces);

    /// <summary>Sequential mode: new pieces in index order within a priority level.</summary>
    public sealed record SetSequential(bool On);
    /// <summary>Streaming: each open reader's pieces before all others, in order, the reader that moved last first (<see cref="PiecePicker.SetWindows"/>); none clears them.</summary>
    public sealed record SetWindows((int First, int Count)[] Windows);

    /// <summary>Asks for the current have-field; replies <see cref="HaveSnapshot"/>.</summary>
    public sealed record GetHave;
    public sealed record HaveSnapshot(Bitfield Have)
    {
        /// <summary>Pieces held for a piece layer (a v2-only torrent; null: none), kept in the resume record.</summary>
        public Bitfield? Held { get; init; }
    }

    private sealed class SaveTick { public static readonly SaveTick Instance = new(); }

    private sealed class PeerState(int key, IActorRef actor, IPEndPoint banKey, int pieceCount, bool speaksV2)
    {
        /// <summary>It speaks BEP 52: the only kind of peer asked for piece layers.</summary>
        public bool SpeaksV2 { get; } = speaksV2;
        public int Key { get; } = key;
        public IActorRef Actor { get; } = actor;
        /// <summary>Who a ban names (<see cref="Core.Peers.PeerAddress.Key"/>): the identity smart ban records.</summary>
        public IPEndPoint BanKey { get; } = banKey;
        public Bitfield Has { get; set; } = new(pieceCount);
        public bool InPicker;
        public bool Interested;
        public bool CanCancel = true;
    }

    private readonly InfoHash _infoHash;
    private readonly TorrentLayout _layout;
    private readonly IActorRef _storage;
    private readonly DiskQueue? _disk; // the storage's queue: accepted blocks go straight in, not through its mailbox
    private readonly BlockSource? _blocks;
    private readonly PiecePicker _picker;
    private readonly Dictionary<IActorRef, PeerState> _peers = new();
    private readonly Dictionary<int, PeerState> _byKey = new();
    private readonly Dictionary<int, IPEndPoint?[]> _senders = new(); // pieces in progress: who sent each block written
    private readonly TimeSpan _saveInterval;
    private BlockRequest[]? _pickBuffer; // made on the first pick: a seeding torrent never needs its 24 KiB
    private readonly List<int> _completed = new();
    private int _nextKey;
    private long _verifiedBytes;
    private int _hashFailures;
    private long _receivedBytes;
    private bool _resumeDirty;
    private bool _completedAnnounced;

    public PieceManager(InfoHash infoHash, TorrentLayout layout, Bitfield verified, IActorRef storage, int seed, TimeSpan saveInterval, BlockSource? blocks = null,
        byte[]? priorities = null, MerklePieces? merkle = null, Bitfield? held = null, MerklePieces? leaves = null, DiskQueue? disk = null)
    {
        _disk = disk;
        _blocks = blocks;
        _merkle = merkle;
        _leaves = leaves ?? merkle;
        if (merkle is { MissingLayers: > 0 }) _layerFetch = new LayerFetch<int>(merkle); // a hybrid rebuilds its own instead: PieceManager.Rebuild.cs
        _infoHash = infoHash;
        _layout = layout;
        _storage = storage;
        _saveInterval = saveInterval;
        _picker = new PiecePicker(layout, verified.Clone(), new Random(seed));
        if (priorities is not null) _picker.SetPriorities(priorities);
        RestoreHeld(held);
        for (var i = verified.NextSet(0); i >= 0; i = verified.NextSet(i + 1))
            _verifiedBytes += layout.PieceSize(i);
        _completedAnnounced = _picker.IsWantedComplete;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="blocks">The upload reads' source: told when a piece it found lost is verified again.</param>
    /// <param name="priorities">One priority per piece (<see cref="PiecePriorities"/>); null: every piece normal.</param>
    /// <param name="merkle">A v2-only torrent's pieces: layers it lacks are fetched from peers, their pieces held until then.</param>
    /// <param name="held">Pieces on disk held for their layer before a restart (the resume record's): not downloaded again.</param>
    /// <param name="leaves">The merkle trees a failed piece's bad blocks are found by (a v2-only torrent's, or a hybrid's v2 half); null: <paramref name="merkle"/>.</param>
    /// <param name="disk">The queue of <paramref name="storage"/>'s disk worker: accepted blocks are written into it directly; null: told to <paramref name="storage"/>.</param>
    public static Props Props(InfoHash infoHash, TorrentLayout layout, Bitfield verified, IActorRef storage, int seed, TimeSpan? saveInterval = null,
        BlockSource? blocks = null, byte[]? priorities = null, MerklePieces? merkle = null, Bitfield? held = null, MerklePieces? leaves = null,
        DiskQueue? disk = null)
        => ActorProps.Of(() => new PieceManager(infoHash, layout, verified, storage, seed, saveInterval ?? TimeSpan.FromSeconds(5), blocks, priorities, merkle, held, leaves,
            disk));

    protected override void PreStart()
    {
        ReportProgress();
        StartLayerFetch();
        RebuildCompleteFiles();
    }

    // A switch over the message, not ReceiveActor's handlers: every block passes here, and their matching runs as an
    // interpreted expression tree when the host generates no code (docs/decisions.md, "Hot actors match with a switch").
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case PeerJoined m: OnJoined(m); break;
            case PeerBitfield m: if (Peer() is { } p1) OnBitfield(p1, m); break;
            case PeerHave m: if (Peer() is { } p2) OnHave(p2, m.Piece); break;
            case PeerHaveAll: if (Peer() is { } p3) OnHaveAll(p3); break;
            case RequestBlocks m: if (Peer() is { } p4) Assign(p4, m.Max); break;
            case BlockArrived m:
                OnBlockArrived(m);
                if (m.AskFor > 0 && Peer() is { } p6) Assign(p6, m.AskFor); // after the arrival: its blocks are no longer outstanding
                break;
            case BlocksArrived m:
                OnBlocksArrived(m);
                if (m.AskFor > 0 && Peer() is { } p7) Assign(p7, m.AskFor);
                break;
            case ReleaseBlocks m:
                if (Peer() is not { } p5) break;
                if (m.Cancelled) _picker.ReleaseCancelled(p5.Key, m.Blocks);
                else foreach (var b in m.Blocks) _picker.Release(p5.Key, b);
                break;
            case PeerPaced m: if (Peer() is { } p8) _picker.SetPace(p8.Key, m.Pace); break;
            case StorageActor.PieceChecked m: OnPieceChecked(m); break;
            case PiecesLost m: OnPiecesLost(m); break;
            case Terminated m: OnPeerGone(m.ActorRef); break;
            case SaveTick: SaveResume(); break;
            case HashAnswered m: OnHashAnswered(m); break;
            case LayerTick: OnLayerTick(); break;
            case LeafTimeout m: OnLeafTimeout(m); break;
            case StorageActor.LayerRebuilt m: OnLayerRebuilt(m); break;
            case GetHave: Sender.Tell(new HaveSnapshot(_picker.Have.Clone()) { Held = HeldPieces() }); break;
            case SetSequential m: _picker.Sequential = m.On; break;
            case SetWindows m:
                var jumped = _picker.Jumps(m.Windows);
                _picker.SetWindows(m.Windows);
                if (jumped) ReclaimForWindows();
                break;
            case SetPriorities m:
                _picker.SetPriorities(m.Pieces);
                _completedAnnounced = _picker.IsWantedComplete;
                foreach (var peer in _peers.Values) UpdateInterest(peer);
                ReportProgress();
                break;
            default: Unhandled(message); break;
        }
    }

    /// <summary>The sender's state, if it is a peer that joined.</summary>
    private PeerState? Peer() => _peers.TryGetValue(Sender, out var p) ? p : null;

    private void OnBitfield(PeerState p, PeerBitfield m)
    {
        if (p.InPicker) _picker.PeerRemoved(p.Key);
        p.Has = m.Has;
        _picker.PeerAdded(p.Key, p.Has);
        p.InPicker = true;
        UpdateInterest(p);
    }

    private void OnHave(PeerState p, int piece)
    {
        EnsureInPicker(p);
        _picker.PeerHave(p.Key, piece);
        p.Has[piece] = true;
        UpdateInterest(p);
    }

    private void OnHaveAll(PeerState p)
    {
        EnsureInPicker(p);
        _picker.PeerHaveAll(p.Key);
        p.Has.SetAll();
        UpdateInterest(p);
    }

    private void OnJoined(PeerJoined m)
    {
        if (_peers.ContainsKey(Sender)) return;
        var p = new PeerState(_nextKey++, Sender, Core.Peers.PeerAddress.Key(m.Remote), _layout.PieceCount, m.SpeaksV2) { CanCancel = m.CanCancel };
        _peers.Add(Sender, p);
        _byKey.Add(p.Key, p);
        Context.Watch(Sender);
        Sender.Tell(new Welcome(_picker.Have.Clone()));
        AskForLayers(p);
    }

    private void EnsureInPicker(PeerState p)
    {
        if (p.InPicker) return;
        _picker.PeerAdded(p.Key, p.Has);
        p.InPicker = true;
    }

    private void UpdateInterest(PeerState p)
    {
        var interested = p.InPicker && _picker.IsInteresting(p.Has);
        if (interested == p.Interested) return;
        p.Interested = interested;
        p.Actor.Tell(new Interest(interested));
    }

    private BlockRequest[] PickBuffer => _pickBuffer ??= new BlockRequest[2048];

    private void Assign(PeerState p, int max)
    {
        if (!p.InPicker || max <= 0)
        {
            p.Actor.Tell(new BlocksAssigned([]));
            return;
        }
        var buffer = PickBuffer;
        var n = _picker.Pick(p.Key, p.Has, buffer.AsSpan(0, Math.Min(max, buffer.Length)));
        p.Actor.Tell(new BlocksAssigned(buffer.AsSpan(0, n).ToArray()));
    }

    private void OnBlockArrived(BlockArrived m)
    {
        var data = m.Block.Data;
        if (!_peers.TryGetValue(Sender, out var p))
        {
            data.Release();
            m.Credit.Release();
            return;
        }
        if (!Accept(p, m.Block, out var block, out var complete))
        {
            data.Release();
            m.Credit.Release();
            return;
        }
        // Ownership of the buffer and the credit passes to storage.
        Write(new StorageActor.WriteBlock(block, data, m.Credit));
        if (complete) Verify(block.Piece);
    }

    /// <summary>
    /// The blocks of one read: those expected go to storage in one <see cref="StorageActor.WriteBlocks"/>, and the
    /// pieces they complete are verified right behind it.
    /// </summary>
    private void OnBlocksArrived(BlocksArrived m)
    {
        if (!_peers.TryGetValue(Sender, out var p))
        {
            foreach (var b in m.Blocks) b.Data.Release();
            m.Credit.Release(m.Blocks.Length);
            return;
        }
        var blocks = new BlockRequest[m.Blocks.Length];
        var data = new BlockBuffer[m.Blocks.Length];
        var kept = 0;
        _completed.Clear();
        foreach (var arrived in m.Blocks)
        {
            if (!Accept(p, arrived, out var block, out var complete))
            {
                arrived.Data.Release();
                m.Credit.Release();
                continue;
            }
            blocks[kept] = block;
            data[kept++] = arrived.Data;
            if (complete) _completed.Add(block.Piece);
        }
        if (kept == 0) return;
        if (kept < blocks.Length)
        {
            Array.Resize(ref blocks, kept);
            Array.Resize(ref data, kept);
        }
        Write(new StorageActor.WriteBlocks(blocks, data, m.Credit));
        foreach (var piece in _completed) Verify(piece);
    }

    /// <summary>
    /// Hands accepted blocks to the disk worker: straight into its queue when the torrent shares it (a verification told to
    /// the storage afterwards is still queued behind them), else through the storage actor.
    /// </summary>
    private void Write(object write)
    {
        if (_disk is null) _storage.Tell(write);
        else _disk.TryWrite(write); // false: the storage has stopped, and the queue gave the buffers and credits back
    }

    /// <summary>Records an arrival in the picker; false for a block not expected (a duplicate or unrequested).</summary>
    private bool Accept(PeerState p, PieceMessage arrived, out BlockRequest block, out bool pieceComplete)
    {
        block = new BlockRequest(arrived.Piece, arrived.Offset, arrived.Data.Length);
        _receivedBytes += block.Length;
        var result = _picker.BlockReceived(p.Key, block);
        pieceComplete = result.PieceComplete;
        if (!result.Expected) return false;
        if (!_senders.TryGetValue(block.Piece, out var senders))
            _senders[block.Piece] = senders = new IPEndPoint?[_layout.BlockCount(block.Piece)];
        senders[block.BlockIndex] = p.BanKey;
        foreach (var other in result.CancelAt)
            if (_byKey.TryGetValue(other, out var o)) o.Actor.Tell(new CancelBlock(block));
        return true;
    }

    private void OnPieceChecked(StorageActor.PieceChecked m)
    {
        if (OnRechecked(m)) return;
        _senders.Remove(m.Piece, out var senders);
        if (m.Ok)
        {
            if (_picker.Have[m.Piece]) return;
            Judge(_smartBan.PiecePassed(m.Piece, m.BlockDigests), m.Piece, passed: true);
            _picker.PieceVerified(m.Piece);
            _blocks?.Revalidate(m.Piece);
            RebuildAfter(m.Piece);
            _verifiedBytes += _layout.PieceSize(m.Piece);
            _resumeDirty = true;
            // Armed by the first change after a save, not periodic: a torrent with nothing new has no timer.
            if (!Timers.IsTimerActive("save")) Timers.StartSingleTimer("save", SaveTick.Instance, _saveInterval);
            Context.Parent.Tell(new PieceVerified(_infoHash, Context.System.Scheduler.Now, m.Piece)); // the public event, passed on by the torrent
            foreach (var p in _peers.Values)
            {
                p.Actor.Tell(new HaveBroadcast(m.Piece));
                UpdateInterest(p);
            }
            ReportProgress();
            if (_picker.IsWantedComplete && !_completedAnnounced)
            {
                _completedAnnounced = true;
                SaveResume();
                Context.Parent.Tell(new DownloadCompleted());
            }
            return;
        }
        if (_picker.Have[m.Piece]) return;
        if (m.NotChecked)
        {
            _picker.PieceFailed(m.Piece);
            return; // the disk failed (and the torrent with it): not the peers' fault
        }
        _hashFailures++;
        if (!PinBadBlocks(m.Piece, senders, m.BlockDigests)) FailWhole(m.Piece, senders, m.BlockDigests);
        ReportProgress();
    }

    private void OnPeerGone(IActorRef actor)
    {
        if (!_peers.Remove(actor, out var p)) return;
        _byKey.Remove(p.Key);
        _layerFetch?.PeerGone(p.Key);
        LeafPeerGone(p);
        if (p.InPicker) _picker.PeerRemoved(p.Key);
    }

    private void SaveResume()
    {
        if (!_resumeDirty) return;
        _resumeDirty = false;
        _storage.Tell(new StorageActor.SaveResume(_picker.Have.ToWire()) { HeldBits = HeldPieces()?.ToWire() });
    }

    private void ReportProgress()
        => Context.Parent.Tell(new Progress(_picker.Have.SetCount, _verifiedBytes, _picker.IsWantedComplete, _picker.InEndgame, _hashFailures, _receivedBytes));
}
