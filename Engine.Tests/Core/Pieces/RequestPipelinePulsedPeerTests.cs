using Engine.Core.Pieces;

namespace Engine.Tests.Core.Pieces;

/// <summary>
/// The pipeline against a peer that serves in pulses, as transmission 3.00 does: every 500–650 ms it sends the requests
/// queued with it, and requests that arrive after a pulse wait for the next. Its rate is the depth per pulse, so the
/// depth must not follow that rate down.
/// </summary>
public class RequestPipelinePulsedPeerTests
{
    private const double Block = 16 * 1024;

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 20)]
    [InlineData(3, 240)]
    public void Against_a_peer_that_serves_in_pulses_the_depth_grows_instead_of_collapsing(int seed, int rttMs)
    {
        var sim = new PulsedPeer(new Random(seed), TimeSpan.FromMilliseconds(rttMs), cap: 500);
        sim.Run(TimeSpan.FromSeconds(30));
        Assert.True(sim.Pipeline.Depth >= 400, $"depth {sim.Pipeline.Depth} after 30 s");
        var lastTen = sim.BlocksInLast(TimeSpan.FromSeconds(10)) / 10.0;
        Assert.True(lastTen >= 600, $"{lastTen:F0} blocks/s over the last 10 s (the depth per pulse, ~1.7 pulses a second)");
    }

    [Fact]
    public void The_pause_the_pipeline_learns_is_the_pulse_interval()
    {
        var sim = new PulsedPeer(new Random(4), TimeSpan.FromMilliseconds(5), cap: 500);
        sim.Run(TimeSpan.FromSeconds(10));
        Assert.InRange(sim.Pipeline.PauseSeconds, 0.4, 0.65);
    }

    /// <summary>1 ms steps; the peer's link carries a block in 0.1 ms, half the round trip each way.</summary>
    private sealed class PulsedPeer(Random random, TimeSpan rtt, int cap)
    {
        private readonly Queue<(DateTimeOffset AtPeer, DateTimeOffset RequestedAt)> _toPeer = new();
        private readonly Queue<DateTimeOffset> _queuedAtPeer = new();
        private readonly Queue<(DateTimeOffset ArrivesAt, DateTimeOffset RequestedAt)> _toUs = new();
        private readonly List<DateTimeOffset> _arrivals = [];
        private DateTimeOffset _end;

        public RequestPipeline Pipeline { get; } = new(cap);

        public int BlocksInLast(TimeSpan span) => _arrivals.Count(a => a >= _end - span);

        public void Run(TimeSpan duration)
        {
            var start = DateTimeOffset.UnixEpoch;
            _end = start + duration;
            Pipeline.OnRoundTrip(rtt); // the handshake
            double received = 0;
            var nextSample = start.AddSeconds(1);
            var nextPulse = start.AddMilliseconds(500);
            for (var now = start; now < _end; now = now.AddMilliseconds(1))
            {
                while (_toPeer.Count > 0 && _toPeer.Peek().AtPeer <= now) _queuedAtPeer.Enqueue(_toPeer.Dequeue().RequestedAt);
                if (now >= nextPulse)
                {
                    var sent = now;
                    while (_queuedAtPeer.Count > 0)
                    {
                        sent = sent.AddMilliseconds(0.1);
                        _toUs.Enqueue((sent + rtt / 2, _queuedAtPeer.Dequeue()));
                    }
                    nextPulse = now.AddMilliseconds(500 + random.Next(150));
                }
                while (_toUs.Count > 0 && _toUs.Peek().ArrivesAt <= now)
                {
                    var requestedAt = _toUs.Dequeue().RequestedAt;
                    Pipeline.OnBlockArrived(now);
                    Pipeline.OnRoundTrip(now - requestedAt);
                    _arrivals.Add(now);
                    received += Block;
                }
                if (now >= nextSample)
                {
                    if (received > 0) Pipeline.UpdateRate(received);
                    received = 0;
                    nextSample = nextSample.AddSeconds(1);
                }
                var outstanding = _toPeer.Count + _queuedAtPeer.Count + _toUs.Count;
                var free = Pipeline.Depth - outstanding;
                if (free <= 0 || (free < Pipeline.Depth / 4 && outstanding > 0)) continue;
                if (outstanding == 0) Pipeline.OnQueueEmpty();
                for (var i = 0; i < free; i++) _toPeer.Enqueue((now + rtt / 2, now));
            }
        }
    }
}
