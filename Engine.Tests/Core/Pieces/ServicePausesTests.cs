using Engine.Core.Pieces;

namespace Engine.Tests.Core.Pieces;

public class ServicePausesTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    [Fact]
    public void A_slow_but_steady_peer_does_not_pause()
    {
        var pauses = new ServicePauses();
        for (var i = 0; i < 10; i++) pauses.OnBlockArrived(T0.AddMilliseconds(320 * i)); // 16 KiB every 320 ms: 50 KiB/s
        pauses.OnSample(50 * 1024);
        Assert.Equal(0, pauses.Seconds);
    }

    [Fact]
    public void A_peer_that_serves_in_bursts_every_half_second_pauses_for_the_rest_of_it()
    {
        var pauses = new ServicePauses();
        for (var pulse = 0; pulse < 2; pulse++)
            for (var i = 0; i < 100; i++) pauses.OnBlockArrived(T0.AddMilliseconds(500 * pulse + i * 0.1));
        pauses.OnSample(200 * 16 * 1024);
        Assert.InRange(pauses.Seconds, 0.48, 0.5);
    }

    [Fact]
    public void A_wait_that_began_with_requests_sent_into_an_empty_queue_is_a_round_trip_not_a_pause()
    {
        var pauses = new ServicePauses();
        pauses.OnBlockArrived(T0);
        pauses.OnQueueEmpty(); // everything arrived; new requests go out a second later
        pauses.OnBlockArrived(T0.AddSeconds(1.2));
        pauses.OnBlockArrived(T0.AddSeconds(1.201));
        pauses.OnSample(1024 * 1024);
        Assert.Equal(0, pauses.Seconds);
    }

    [Fact]
    public void A_pause_is_remembered_with_decay_once_the_peer_stops_pausing_and_is_capped()
    {
        var pauses = new ServicePauses();
        pauses.OnBlockArrived(T0);
        pauses.OnBlockArrived(T0.AddSeconds(5));
        pauses.OnSample(1024 * 1024);
        Assert.Equal(ServicePauses.MaxSeconds, pauses.Seconds);
        pauses.OnBlockArrived(T0.AddSeconds(5.001));
        pauses.OnSample(1024 * 1024);
        Assert.Equal(ServicePauses.MaxSeconds * ServicePauses.Memory, pauses.Seconds, 6);
        for (var i = 0; i < 20; i++) pauses.OnSample(1024 * 1024);
        Assert.True(pauses.Seconds < 0.01, $"still {pauses.Seconds} s after 20 samples without a pause");
    }
}
