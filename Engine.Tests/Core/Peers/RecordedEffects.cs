using Engine.Core.Merkle;
using Engine.Core.Peers;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Core.Wire;

namespace Engine.Tests.Core.Peers;

/// <summary>An <see cref="IPeerEffects"/> that records what a session asks, in order, for assertions.</summary>
internal sealed class RecordedEffects : IPeerEffects
{
    public abstract record Effect;
    public sealed record Sent(PeerMessage Message) : Effect;
    public sealed record Uploaded(BlockRequest[] Blocks) : Effect;
    public sealed record Asked(int Count) : Effect;
    public sealed record Released(BlockRequest[] Blocks, bool Cancelled = false) : Effect;
    public sealed record Paced(PeerPace Pace) : Effect;
    public sealed record Delivered(PieceMessage[] Blocks) : Effect;
    public sealed record Discarded(PieceMessage Block) : Effect;
    public sealed record Has(int Piece) : Effect;
    public sealed record HasBitfield(Bitfield Pieces) : Effect;
    public sealed record HasAll : Effect;
    public sealed record ListenPortNamed(int Value) : Effect;
    public sealed record Notified(object Notification) : Effect;
    public sealed record Warned(string Message) : Effect;
    public sealed record HashAnswerPassed(PeerMessage Answer) : Effect;
    public sealed record LeavesAsked(HashRange Range, LeafAnswer.LeafPlan Plan) : Effect;
    public sealed record Closed(string Reason, bool Failed, bool Ban) : Effect;
    public sealed record Stats : Effect;

    public List<Effect> All { get; } = new();

    /// <summary>How many hand-offs to the write loop the sends took (a batch of requests is one).</summary>
    public int SendHandOffs { get; private set; }

    public IEnumerable<T> Of<T>() => All.OfType<T>();

    /// <summary>The messages sent to the peer, batches flattened, in order.</summary>
    public IEnumerable<PeerMessage> Messages => Of<Sent>().Select(s => s.Message);

    public IEnumerable<BlockRequest> UploadedBlocks => Of<Uploaded>().SelectMany(u => u.Blocks);

    public IEnumerable<BlockRequest> ReleasedBlocks => Of<Released>().SelectMany(r => r.Blocks);

    public IEnumerable<PieceMessage> DeliveredBlocks => Of<Delivered>().SelectMany(d => d.Blocks);

    public Closed? Closing => Of<Closed>().SingleOrDefault();

    /// <summary>Forgets what was recorded so far.</summary>
    public void Clear()
    {
        All.Clear();
        SendHandOffs = 0;
    }

    public void Send(PeerMessage message)
    {
        SendHandOffs++;
        All.Add(new Sent(message));
    }

    public void Send(PeerMessage[] messages)
    {
        SendHandOffs++;
        foreach (var m in messages) All.Add(new Sent(m));
    }

    public void Upload(BlockRequest[] blocks) => All.Add(new Uploaded(blocks));
    public void AskForBlocks(int count) => All.Add(new Asked(count));
    public void ReleaseBlocks(BlockRequest[] blocks, bool cancelled) => All.Add(new Released(blocks, cancelled));
    public void PaceChanged(PeerPace pace) => All.Add(new Paced(pace));
    public void Deliver(PieceMessage block, int askFor) => Deliver([block], askFor);

    public void Deliver(PieceMessage[] blocks, int askFor)
    {
        All.Add(new Delivered(blocks));
        if (askFor > 0) All.Add(new Asked(askFor)); // the same as a delivery and then an ask
    }
    public void Discard(PieceMessage block) => All.Add(new Discarded(block));
    public void PeerHas(int piece) => All.Add(new Has(piece));
    public void PeerHas(Bitfield pieces) => All.Add(new HasBitfield(pieces));
    public void PeerHasAll() => All.Add(new HasAll());
    public void HashAnswered(PeerMessage answer) => All.Add(new HashAnswerPassed(answer));
    public void ReadLeaves(HashRange range, LeafAnswer.LeafPlan plan) => All.Add(new LeavesAsked(range, plan));
    public void ListenPort(int port) => All.Add(new ListenPortNamed(port));
    public void Notify(object notification) => All.Add(new Notified(notification));
    public void StatsChanged() => All.Add(new Stats());
    public void Warn(string message) => All.Add(new Warned(message));
    public void Close(string reason, bool failed, bool ban) => All.Add(new Closed(reason, failed, ban));
}
