using Engine.Core.Pieces;

namespace Engine.Tests.Core.Pieces;

/// <summary>
/// The pipeline against a simulated peer (a rate and a round trip, serving requests in order): the depth never exceeds
/// the peer's reqq, settles on rate × (round trip + margin), and ramps once per round trip from a first depth sized by
/// the handshake's round trip.
/// </summary>
public class RequestPipelineRoundTripTests
{
    private const double Block = 16 * 1024;

    [Fact]
    public void The_first_depth_covers_the_probe_rate_for_one_round_trip_and_never_less_than_sixty_four()
    {
        var far = new RequestPipeline(2000);
        far.OnRoundTrip(TimeSpan.FromMilliseconds(300));
        Assert.Equal(192, far.Depth);
        var near = new RequestPipeline(2000);
        near.OnRoundTrip(TimeSpan.FromMilliseconds(20));
        Assert.Equal(RequestPipeline.InitialDepth, near.Depth);
        var small = new RequestPipeline(100);
        small.OnRoundTrip(TimeSpan.FromMilliseconds(300));
        Assert.Equal(99, small.Depth); // one under its reqq
    }

    [Fact]
    public void A_handshake_slower_than_the_bound_sizes_the_first_depth_as_the_bound_would()
    {
        // A busy peer (or our own start-up) answered after a second: not a 10 MiB/s path of a second (640 blocks).
        var busy = new RequestPipeline(2000);
        busy.OnRoundTrip(TimeSpan.FromSeconds(1));
        Assert.Equal(320, busy.Depth);
        Assert.Equal(TimeSpan.FromSeconds(1), busy.Rtt); // the round trip itself is kept as measured
    }

    [Fact]
    public void The_quickest_round_trip_is_kept()
    {
        var pipeline = new RequestPipeline();
        pipeline.OnRoundTrip(TimeSpan.FromMilliseconds(80));
        pipeline.OnRoundTrip(TimeSpan.FromMilliseconds(200));
        pipeline.OnRoundTrip(TimeSpan.FromMilliseconds(-5));
        Assert.Equal(TimeSpan.FromMilliseconds(80), pipeline.Rtt);
        pipeline.OnRoundTrip(TimeSpan.FromMilliseconds(60));
        Assert.Equal(TimeSpan.FromMilliseconds(60), pipeline.Rtt);
    }

    [Fact]
    public void A_round_trip_in_which_the_peer_delivers_the_whole_depth_doubles_it_and_a_thin_one_does_not()
    {
        var pipeline = new RequestPipeline(2000);
        var t = DateTimeOffset.UnixEpoch;
        pipeline.OnRoundTrip(TimeSpan.FromMilliseconds(100));
        for (var i = 0; i < 64; i++) pipeline.OnBlockArrived(t.AddMilliseconds(i));
        pipeline.OnBlockArrived(t.AddMilliseconds(100));
        Assert.Equal(128, pipeline.Depth);
        for (var i = 0; i < 10; i++) pipeline.OnBlockArrived(t.AddMilliseconds(101 + i));
        pipeline.OnBlockArrived(t.AddMilliseconds(200));
        Assert.Equal(128, pipeline.Depth); // 12 of 128 in a round trip: the peer, not the depth, is the limit
    }

    [Fact]
    public void Below_ten_milliseconds_the_depth_waits_for_the_rate_sample_instead_of_doubling_per_round_trip()
    {
        var pipeline = new RequestPipeline(2000);
        var t = DateTimeOffset.UnixEpoch;
        pipeline.OnRoundTrip(TimeSpan.FromMilliseconds(1));
        for (var i = 0; i < 1000; i++) pipeline.OnBlockArrived(t.AddMilliseconds(i / 64.0)); // a whole read at a time
        Assert.Equal(RequestPipeline.InitialDepth, pipeline.Depth);
    }

    [Fact]
    public void Once_a_round_trip_is_known_the_target_is_rate_times_round_trip_plus_margin()
    {
        var pipeline = new RequestPipeline(2000);
        pipeline.OnRoundTrip(TimeSpan.FromMilliseconds(100));
        for (var i = 0; i < 20; i++) pipeline.UpdateRate(1600 * 1024); // 100 blocks/s × 0.6 s
        Assert.Equal(60, pipeline.Depth);
        Assert.False(pipeline.InSlowStart);
    }

    public static TheoryData<int> Seeds() => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Against_random_peers_the_depth_stays_within_the_reqq_and_settles_on_rate_times_round_trip(int seed)
    {
        var random = new Random(seed);
        for (var run = 0; run < 4; run++)
        {
            var rate = Math.Exp(random.NextDouble() * Math.Log(1000)) * 50 * 1024; // 50 KiB/s .. 50 MiB/s
            var rtt = TimeSpan.FromMilliseconds(5 + random.Next(400));
            var cap = 50 + random.Next(1950);
            var sim = new PeerSimulation(rate, rtt, cap);
            sim.Run(TimeSpan.FromSeconds(12), rateSamples: true);
            Assert.InRange(sim.MaxDepth, 2, cap);
            var target = Math.Clamp(Math.Ceiling(rate * (rtt + RequestPipeline.Margin).TotalSeconds / Block), 2, cap);
            Assert.True(sim.Pipeline.Depth >= target * 0.7 && sim.Pipeline.Depth <= Math.Max(target * 1.3, target + 4),
                $"rate {rate / 1024:F0} KiB/s, rtt {rtt.TotalMilliseconds} ms, cap {cap}: depth {sim.Pipeline.Depth}, target {target}");
        }
    }

    [Theory]
    [InlineData(25_000_000, 300)]
    [InlineData(5_000_000, 60)]
    [InlineData(50_000_000, 100)]
    public void A_fast_peer_is_covered_within_a_few_round_trips_without_waiting_for_a_rate_sample(double rate, int rttMs)
    {
        var rtt = TimeSpan.FromMilliseconds(rttMs);
        var sim = new PeerSimulation(rate, rtt, 2000);
        var bdp = Math.Min(2000, rate * rtt.TotalSeconds / Block);
        var rounds = (int)Math.Ceiling(Math.Log2(Math.Max(1, bdp / RequestPipeline.InitialDepth))) + 2;
        sim.Run(rtt * rounds, rateSamples: false);
        Assert.True(sim.Pipeline.Depth >= bdp, $"depth {sim.Pipeline.Depth} after {rounds} round trips, bandwidth-delay product {bdp:F0}");
        Assert.InRange(sim.MaxDepth, 2, 2000);
    }

    /// <summary>One peer serving our requests in order at <c>rate</c>, half the round trip each way; 1 ms steps.</summary>
    private sealed class PeerSimulation(double rate, TimeSpan rtt, int cap)
    {
        private readonly Queue<(DateTimeOffset RequestedAt, DateTimeOffset ArrivesAt)> _inFlight = new();
        private DateTimeOffset _peerFree = DateTimeOffset.UnixEpoch;

        public RequestPipeline Pipeline { get; } = new(cap);
        public int MaxDepth { get; private set; }

        public void Run(TimeSpan duration, bool rateSamples)
        {
            var start = DateTimeOffset.UnixEpoch;
            Pipeline.OnRoundTrip(rtt); // the handshake
            double received = 0;
            var nextSample = start.AddSeconds(1);
            for (var now = start; now < start + duration; now = now.AddMilliseconds(1))
            {
                while (_inFlight.Count > 0 && _inFlight.Peek().ArrivesAt <= now)
                {
                    var (requestedAt, _) = _inFlight.Dequeue();
                    Pipeline.OnBlockArrived(now);
                    Pipeline.OnRoundTrip(now - requestedAt);
                    received += Block;
                }
                if (rateSamples && now >= nextSample)
                {
                    Pipeline.UpdateRate(received);
                    received = 0;
                    nextSample = nextSample.AddSeconds(1);
                }
                var free = Pipeline.Depth - _inFlight.Count;
                if (free > 0 && (free >= Pipeline.Depth / 4 || _inFlight.Count == 0))
                    for (var i = 0; i < free; i++) Request(now);
                MaxDepth = Math.Max(MaxDepth, Pipeline.Depth);
            }
        }

        private void Request(DateTimeOffset now)
        {
            var atPeer = now + rtt / 2;
            var sent = (atPeer > _peerFree ? atPeer : _peerFree) + TimeSpan.FromSeconds(Block / rate);
            _peerFree = sent;
            _inFlight.Enqueue((now, sent + rtt / 2));
        }
    }
}
