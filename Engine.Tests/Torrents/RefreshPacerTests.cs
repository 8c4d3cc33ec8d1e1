using Engine.Torrents;

namespace Engine.Tests.Torrents;

public sealed class RefreshPacerTests
{
    [Fact]
    public void A_torrent_goes_dormant_after_three_quiet_summaries_in_a_row()
    {
        var pacer = new RefreshPacer();
        Assert.Equal(RefreshPacer.Change.None, pacer.OnSummary(0, 0, 0));
        Assert.Equal(RefreshPacer.Change.None, pacer.OnSummary(0, 0, 0));
        Assert.Equal(RefreshPacer.Change.Sleep, pacer.OnSummary(0, 0, 0));
        Assert.True(pacer.Dormant);
        Assert.Equal(RefreshPacer.Change.None, pacer.OnSummary(0, 0, 0));
        Assert.True(pacer.Dormant);
    }

    [Fact]
    public void A_connection_or_traffic_resets_the_quiet_count()
    {
        var pacer = new RefreshPacer();
        pacer.OnSummary(0, 0, 0);
        pacer.OnSummary(0, 0, 0);
        Assert.Equal(RefreshPacer.Change.None, pacer.OnSummary(1, 0, 0));
        pacer.OnSummary(0, 0, 0);
        pacer.OnSummary(0, 0, 0);
        Assert.Equal(RefreshPacer.Change.None, pacer.OnSummary(0, 0, 0.5));
        Assert.Equal(RefreshPacer.Change.None, pacer.OnSummary(0, 3, 0));
        Assert.False(pacer.Dormant);
    }

    [Fact]
    public void A_dormant_torrent_wakes_on_a_summary_showing_a_connection_rate_or_upload()
    {
        foreach (var (connected, down, up) in new[] { (1, 0.0, 0.0), (0, 10.0, 0.0), (0, 0.0, 10.0) })
        {
            var pacer = Dormant();
            Assert.Equal(RefreshPacer.Change.Wake, pacer.OnSummary(connected, down, up));
            Assert.False(pacer.Dormant);
        }
    }

    [Fact]
    public void Wake_restarts_only_a_dormant_torrent_and_starts_a_new_quiet_count()
    {
        var pacer = new RefreshPacer();
        Assert.False(pacer.Wake());
        pacer = Dormant();
        Assert.True(pacer.Wake());
        Assert.False(pacer.Wake());
        Assert.Equal(RefreshPacer.Change.None, pacer.OnSummary(0, 0, 0));
        Assert.Equal(RefreshPacer.Change.None, pacer.OnSummary(0, 0, 0));
        Assert.Equal(RefreshPacer.Change.Sleep, pacer.OnSummary(0, 0, 0));
    }

    [Fact]
    public void Wake_in_the_middle_of_a_quiet_run_starts_the_count_again()
    {
        var pacer = new RefreshPacer();
        pacer.OnSummary(0, 0, 0);
        pacer.OnSummary(0, 0, 0);
        Assert.False(pacer.Wake());
        Assert.Equal(RefreshPacer.Change.None, pacer.OnSummary(0, 0, 0));
        Assert.Equal(RefreshPacer.Change.None, pacer.OnSummary(0, 0, 0));
        Assert.Equal(RefreshPacer.Change.Sleep, pacer.OnSummary(0, 0, 0));
    }

    private static RefreshPacer Dormant()
    {
        var pacer = new RefreshPacer();
        for (var i = 0; i < RefreshPacer.QuietRefreshes; i++) pacer.OnSummary(0, 0, 0);
        Assert.True(pacer.Dormant);
        return pacer;
    }

    [Fact]
    public void A_paused_torrent_sleeps_at_once_and_its_resume_wakes_it()
    {
        var pacer = new RefreshPacer();
        pacer.OnSummary(0, 0, 0); // one quiet summary counted before the pause
        pacer.Sleep();
        Assert.True(pacer.Dormant);
        Assert.True(pacer.Wake()); // the resume restarts the timer
        Assert.False(pacer.Dormant);
        Assert.Equal(RefreshPacer.Change.None, pacer.OnSummary(0, 0, 0)); // the count started again from zero
        Assert.Equal(RefreshPacer.Change.None, pacer.OnSummary(0, 0, 0));
        Assert.Equal(RefreshPacer.Change.Sleep, pacer.OnSummary(0, 0, 0));
    }
}
