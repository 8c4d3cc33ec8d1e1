using Engine.Core.Utp;

namespace Engine.Tests.Core.Utp;

public sealed class LedbatTests
{
    [Fact]
    public void Slow_start_doubles_the_window_per_round_trip_until_the_delay_reaches_half_the_target()
    {
        var cc = new Ledbat(1400, 1 << 22);
        var start = cc.Window;
        cc.OnAck(start, 0);
        Assert.Equal(2 * start, cc.Window);
        cc.OnAck(1400, 60_000);
        Assert.False(cc.SlowStart);
    }

    [Fact]
    public void Below_the_target_the_window_grows_by_at_most_the_gain_per_round_trip()
    {
        var cc = new Ledbat(1400, 1 << 22);
        cc.OnLoss(0, 0); // leave slow start
        var before = cc.Window;
        cc.OnAck(before, 0);
        Assert.Equal(before + Ledbat.MaxGainPerRtt, cc.Window);
        before = cc.Window;
        cc.OnAck(before, Ledbat.TargetMicros / 2);
        Assert.Equal(before + Ledbat.MaxGainPerRtt / 2, cc.Window);
    }

    [Theory]
    [InlineData(1.25, 0.75)]
    [InlineData(1.5, 0.5)]
    [InlineData(3.0, 0.5)]
    public void Above_the_target_a_round_trip_takes_the_window_down_in_proportion_to_the_excess_at_most_by_half(double delayOverTarget, double kept)
    {
        var cc = new Ledbat(1400, 1 << 22);
        for (var i = 0; i < 8; i++) cc.OnAck(cc.Window, 0);
        cc.OnLoss(0, 0);
        var before = cc.Window;
        // One round trip: the window acknowledged in packets, each at the same delay.
        var delay = (long)(delayOverTarget * Ledbat.TargetMicros);
        for (var acked = 0; acked < before; acked += 1400) cc.OnAck(1400, delay);
        Assert.InRange(cc.Window, (int)(before * kept * 0.9), (int)(before * kept * 1.1) + 1400);
    }

    [Fact]
    public void A_loss_halves_once_per_round_trip_and_a_timeout_drops_to_one_packet()
    {
        var cc = new Ledbat(1400, 1 << 22);
        for (var i = 0; i < 6; i++) cc.OnAck(cc.Window, 0);
        var w = cc.Window;
        cc.OnLoss(1_000_000, 50_000);
        Assert.Equal(w / 2, cc.Window);
        cc.OnLoss(1_010_000, 50_000);
        Assert.Equal(w / 2, cc.Window);
        cc.OnTimeout(2_000_000);
        Assert.Equal(1400, cc.Window);
        Assert.True(cc.SlowStart);
    }

    [Fact]
    public void A_latecomer_beside_a_loss_based_flow_gives_way_through_each_rise_of_its_sawtooth()
    {
        // What uTP sees when it starts beside a CUBIC flow on a 200 ms buffer (bench/utp-lab.sh, phase 3): the queue TCP
        // holds is its base, and TCP's sawtooth moves the rest between 10 and 59 ms, under the 60 ms target, every 4 s.
        var cc = new Ledbat(1400, 1 << 22);
        while (cc.Window < 200_000) cc.OnAck(cc.Window, 0);
        cc.OnLoss(0, 0);
        const long rtt = 170_000;
        long windowAtFirstFall = 0, sumLastCycle = 0, acksLastCycle = 0;
        for (long t = 0; t < 20_000; t += 10)
        {
            var delay = (long)((10 + 49 * (t % 4000) / 4000.0) * 1000);
            if (t == 3990) windowAtFirstFall = cc.Window;
            cc.OnDelay(delay, t * 1000, rtt);
            cc.OnAck(Math.Max(1, (int)(cc.Window * 10_000L / rtt)), delay);
            if (t >= 16_000) { sumLastCycle += cc.Window; acksLastCycle++; }
        }
        Assert.InRange(cc.Target, 15_000, 35_000);
        Assert.True(sumLastCycle / acksLastCycle < windowAtFirstFall / 4,
            $"the window averaged {sumLastCycle / acksLastCycle} B over the last rise, against {windowAtFirstFall} B before the first fall");
    }

    [Fact]
    public void The_base_delay_is_the_minimum_of_the_last_two_minutes()
    {
        var h = new DelayHistory();
        Assert.Equal(0u, h.Add(5000, 0));
        for (var i = 1; i <= DelayHistory.NoiseFilter; i++) h.Add(8000, i * 100_000);
        Assert.Equal(3000u, h.Add(8000, 1_000_000)); // every recent sample 3 ms over the base
        h.Add(9000, 61_000_000);   // a new minute: the old minimum still counts
        Assert.Equal(5000u, h.Base);
        h.Add(9500, 122_000_000);  // two minutes on: 5000 has aged out
        Assert.Equal(9000u, h.Base);
    }

    [Fact]
    public void One_late_sample_among_the_last_four_is_not_read_as_a_queue_but_four_in_a_row_are()
    {
        var h = new DelayHistory();
        for (var i = 0; i < 8; i++) h.Add(5000, i * 1000);
        Assert.Equal(0u, h.Add(85_000, 10_000)); // a scheduler's pause: 80 ms late, once
        Assert.True(h.Add(5200, 11_000) <= 200); // the next one is on time: still no queue
        uint last = 0;
        for (var i = 0; i < DelayHistory.NoiseFilter; i++) last = h.Add(85_000 + (uint)i, 20_000 + i * 1000);
        Assert.Equal(80_000u, last); // a queue keeps every sample high
    }

    [Fact]
    public void Wrapping_clocks_compare_right_and_a_new_minimum_reads_as_no_delay()
    {
        var h = new DelayHistory();
        const uint start = uint.MaxValue - 10;
        var later = unchecked(start + 40); // the peer's clock wrapped past zero
        Assert.Equal(0u, h.Add(start, 0));
        for (var i = 1; i <= DelayHistory.NoiseFilter; i++) h.Add(later, i * 1000);
        Assert.Equal(40u, h.Add(later, 10_000));
        Assert.Equal(0u, h.Add(unchecked(start - 5), 11_000)); // below the base: a new minimum, no delay
    }
}
