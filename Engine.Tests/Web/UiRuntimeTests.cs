using Engine.Host.Web.Runtime;
using Engine.Host.Web.Ui;
using Microsoft.Extensions.Logging.Abstractions;
using static Engine.Tests.Web.UiSamples;

namespace Engine.Tests.Web;

public sealed class UiRuntimeTests
{
    private static UiRuntime Start(FakeEffects effects, TimeSpan? tick = null, Action<UiRuntime>? beforeStart = null)
    {
        var runtime = new UiRuntime(effects, Model.Initial("/data"), NullLogger<UiRuntime>.Instance, tick ?? TimeSpan.FromMilliseconds(50));
        beforeStart?.Invoke(runtime);
        runtime.Start();
        return runtime;
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("timed out waiting until " + what);
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task The_first_tick_loads_the_torrents_and_the_view_is_told()
    {
        var effects = new FakeEffects { Torrents = [Row(HashA)] };
        var seen = 0;
        // Subscribed before the start: the first tick may change the model before Start returns.
        await using var runtime = Start(effects, TimeSpan.FromMinutes(1), r => r.Changed += _ => Interlocked.Increment(ref seen));
        await Until(() => runtime.Model.Loaded, "loaded");
        Assert.Equal(HashA, Assert.Single(runtime.Model.Torrents).Hash);
        await Until(() => Volatile.Read(ref seen) > 0, "the view is told");
    }

    [Fact]
    public async Task Commands_run_and_their_outcomes_come_back_as_messages()
    {
        var effects = new FakeEffects { Torrents = [Row(HashA), Row(HashB, "beta")] };
        await using var runtime = Start(effects, TimeSpan.FromMinutes(1));
        await Until(() => runtime.Model.Loaded, "loaded");
        runtime.Dispatch(new Msg.AskRemove(HashB));
        runtime.Dispatch(new Msg.ConfirmRemove(true));
        await Until(() => runtime.Model.Find(HashB) is null, "removed");
        Assert.Contains(new Cmd.Remove(HashB, true), effects.Ran);
        Assert.Contains("deleted its data", runtime.Model.Notices[^1].Text);
    }

    [Fact]
    public async Task Each_listed_torrent_is_watched_and_its_events_reach_the_model()
    {
        var effects = new FakeEffects { Torrents = [Row(HashA), Row(HashB, "beta")] };
        await using var runtime = Start(effects, TimeSpan.FromMinutes(1));
        await Until(() => effects.Watched.Count == 2, "both torrents watched");
        effects.Emit(HashB, new Msg.StateChanged(HashB, TorrentRow.States.Seeding));
        await Until(() => runtime.Model.Find(HashB)?.State == TorrentRow.States.Seeding, "the event applied");
        effects.Torrents = [Row(HashA)];
        runtime.Dispatch(new Msg.Tick());
        await Until(() => effects.Watched.Count == 1, "the removed torrent's stream ended");
        Assert.Equal(HashA, Assert.Single(effects.Watched));
    }

    [Fact]
    public async Task A_slow_poll_is_not_started_again_by_the_next_ticks()
    {
        var effects = new FakeEffects { Latency = TimeSpan.FromMilliseconds(400) };
        await using var runtime = Start(effects, TimeSpan.FromMilliseconds(20));
        await Task.Delay(900);
        var polls = effects.Ran.Count(c => c is Cmd.LoadTorrents);
        Assert.InRange(polls, 1, 3);
    }

    [Fact]
    public async Task Dispose_stops_the_ticks_and_the_streams()
    {
        var effects = new FakeEffects { Torrents = [Row(HashA)] };
        var runtime = Start(effects);
        await Until(() => effects.Watched.Count == 1, "watched");
        await runtime.DisposeAsync();
        await Until(() => effects.Watched.Count == 0, "the stream ended");
        var ran = effects.Ran.Count;
        await Task.Delay(200);
        Assert.Equal(ran, effects.Ran.Count);
    }
}
