using System.Net;

namespace Engine.Core.Dht;

/// <summary>
/// What other nodes say our address is (BEP 42's <c>ip</c> in their responses): one vote per node, the last
/// <see cref="Window"/> voters kept. An address becomes ours when at least <see cref="Quorum"/> voters agree and they
/// are more than half of them.
/// </summary>
internal sealed class ExternalAddressVotes
{
    public const int Window = 16;
    public const int Quorum = 3;

    private readonly Queue<(NodeId Voter, IPAddress Address)> _votes = new();

    public IPAddress? Address { get; private set; }

    /// <summary>Records a vote; true when it changed <see cref="Address"/>.</summary>
    public bool Vote(NodeId voter, IPAddress address)
    {
        foreach (var v in _votes) if (v.Voter == voter) return false;
        _votes.Enqueue((voter, address));
        if (_votes.Count > Window) _votes.Dequeue();
        var counts = new Dictionary<IPAddress, int>();
        foreach (var (_, a) in _votes) counts[a] = counts.GetValueOrDefault(a) + 1;
        var (best, n) = counts.MaxBy(c => c.Value);
        if (n < Quorum || n * 2 <= _votes.Count || best.Equals(Address)) return false;
        Address = best;
        return true;
    }
}
