using Engine.Core.Diagnostics;

namespace Engine.Tests.Core.Diagnostics;

public class RateMeterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_steady_flow_reads_as_its_rate()
    {
        var meter = new RateMeter(5);
        for (var ms = 0; ms < 10_000; ms += 100) meter.Add(10_000, T0.AddMilliseconds(ms)); // 100 kB/s
        Assert.InRange(meter.Rate(T0.AddMilliseconds(10_000)), 90_000, 110_000);
    }

    [Fact]
    public void A_young_transfer_is_not_under_reported()
    {
        var meter = new RateMeter(5);
        for (var ms = 0; ms < 2_000; ms += 100) meter.Add(25_000, T0.AddMilliseconds(ms)); // 250 kB/s for 2 s
        Assert.InRange(meter.Rate(T0.AddMilliseconds(2_000)), 220_000, 280_000);
    }

    [Fact]
    public void Silence_brings_the_rate_down_to_zero_and_the_total_stays()
    {
        var meter = new RateMeter(5);
        meter.Add(1_000_000, T0);
        Assert.Equal(0, meter.Rate(T0.AddSeconds(6)));
        Assert.Equal(1_000_000, meter.Total);
    }
}
