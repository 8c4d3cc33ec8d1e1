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
    public void Below_the_target_the_window_grows_by_at_most_the_gain_per_round_trip_and_above_it_shrinks()
    {
        var cc = new Ledbat(1400, 1 << 22);
        cc.OnLoss(0, 0); // leave slow start
        var before = cc.Window;
        cc.OnAck(before, 0);
        Assert.Equal(before + Ledbat.MaxGainPerRtt, cc.Window);
        before = cc.Window;
        cc.OnAck(before, 2 * Ledbat.TargetMicros);
        Assert.Equal(before - Ledbat.MaxGainPerRtt, cc.Window);
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
    public void The_base_delay_is_the_minimum_of_the_last_two_minutes()
    {
        var h = new DelayHistory();
        Assert.Equal(0u, h.Add(5000, 0));
        Assert.Equal(3000u, h.Add(8000, 1_000_000));
        h.Add(9000, 61_000_000);   // a new minute: the old minimum still counts
        Assert.Equal(5000u, h.Base);
        h.Add(9500, 122_000_000);  // two minutes on: 5000 has aged out
        Assert.Equal(9000u, h.Base);
    }
}
