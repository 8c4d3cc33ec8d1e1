using Engine.Events;
using Engine.Tests.Scenarios.Kit;
using Xunit.Abstractions;

namespace Engine.Tests.Scenarios;

/// <summary>Stories whose timers run on the virtual clock: minutes of engine time in a second of test.</summary>
public sealed class VirtualTimeScenarios(ITestOutputHelper output) : Scenario(output, virtualTime: true)
{
    [Fact]
    public async Task A_peer_that_never_says_a_word_is_dropped_after_two_minutes_of_silence()
    {
        var book = Content("book", 256 * 1024);
        var seeder = StartEngine("seeder");
        await SeedAsync(seeder, book);
        var mute = ScriptedSeed(book, SeedBehaviour.Silent);
        var me = StartEngine("me");
        var (download, events) = await LeechAsync(me, book);
        download.AddPeers([mute.EndPoint, seeder.ListenEndPoint!]);

        // The download needs no timer: it completes while the clock stands still.
        await events.WaitForAsync<Completed>(timeout: TimeSpan.FromSeconds(20));
        await events.WaitForAsync<PeerConnected>(c => c.EndPoint.Equals(mute.EndPoint));

        await AdvanceAsync(TimeSpan.FromSeconds(110));
        events.AssertNone<PeerDropped>(d => d.EndPoint.Equals(mute.EndPoint));

        await AdvanceAsync(TimeSpan.FromSeconds(15));
        var dropped = await events.WaitForAsync<PeerDropped>(d => d.EndPoint.Equals(mute.EndPoint), TimeSpan.FromSeconds(5));
        Assert.Equal("silent for 00:02:00", dropped.Reason);
        book.AssertSameData(download.SaveDirectory);
    }
}
