using System.Net;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Akka.TestKit;
using Engine.Core.Buffers;
using Engine.Core.Peers;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using Engine.Peers;
using Engine.Pieces;
using Engine.Tests.Support;

namespace Engine.Tests.Peers;

/// <summary>
/// The PeerManager's choker timers on virtual time, against scripted remote peers over loopback. The clock
/// is advanced one timer period at a time (the test scheduler fires a periodic timer at most once per
/// advance), and only after the manager has started (Identify answers after PreStart).
/// </summary>
public sealed class PeerManagerSpec : TestKit
{
    private static readonly Config VirtualTime = ConfigurationFactory.ParseString(
        "akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"");

    private readonly TorrentLayout _layout = new(10 * 32 * 1024, 32 * 1024);
    private readonly InfoHash _infoHash = InfoHash.FromHex("00112233445566778899aabbccddeeff00112233");
    private readonly TestProbe _pieces;
    private readonly TestProbe _storage;
    private readonly TestProbe _torrent;
    private readonly List<ScriptedPeer> _remotes = new();

    public PeerManagerSpec() : base(VirtualTime)
    {
        _pieces = CreateTestProbe("pieces");
        _storage = CreateTestProbe("storage");
        _torrent = CreateTestProbe("torrent");
        // Peer up/down notices are not what these tests are about.
        _torrent.IgnoreMessages(m => m is PeerManager.PeerUp or PeerManager.PeerDown);
    }

    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private IActorRef StartManager(int slots, int seed = 1)
    {
        // Silence is not what these tests are about: the scripted peers send no keep-alives.
        var settings = new PeerSettings { SilenceTimeout = TimeSpan.FromHours(1), HandshakeTimeout = TimeSpan.FromHours(1) };
        var ctx = new SwarmContext(_infoHash, PeerId.CreateOurs(), _layout, _pieces.Ref, _storage.Ref, new BlockPool(64), settings, 6881);
        var manager = _torrent.ChildActorOf(PeerManager.Props(ctx, new PeerManagerSettings { UploadSlots = slots, Seed = seed }));
        manager.Ask<ActorIdentity>(new Identify(1), TimeSpan.FromSeconds(5)).Wait();
        return manager;
    }

    /// <summary>Has the manager dial a new scripted peer and completes the handshake; returns the peer and its connection actor.</summary>
    private async Task<(ScriptedPeer Remote, IActorRef Connection)> AddRemote(IActorRef manager)
    {
        var remote = ScriptedPeer.Listen();
        _remotes.Add(remote);
        manager.Tell(new PeerManager.AddPeers([remote.EndPoint]));
        await remote.AcceptAsync();
        await remote.ReceiveHandshakeAsync();
        await remote.SendHandshakeAsync(_infoHash, fast: true);
        _pieces.FishForMessage<PieceManager.PeerJoined>(_ => true);
        return (remote, _pieces.LastSender);
    }

    private List<PeerManager.PeerStats> Peers(IActorRef manager)
        => manager.Ask<List<PeerManager.PeerStats>>(new PeerManager.GetPeers(), TimeSpan.FromSeconds(5)).Result;

    /// <summary>Waits until the manager has seen every remote's interest (the eager unchoke acts on it).</summary>
    private void AwaitInterested(IActorRef manager, int count)
        => AwaitCondition(() => Peers(manager).Count(p => p.PeerInterested) == count, TimeSpan.FromSeconds(5));

    private PeerManager.Rechoked AdvanceAndExpectRechoke(TimeSpan by)
    {
        Clock.Advance(by);
        return _torrent.ExpectMsg<PeerManager.Rechoked>(TimeSpan.FromSeconds(5));
    }

    protected override void AfterAll()
    {
        foreach (var r in _remotes) r.DisposeAsync().AsTask().Wait();
        base.AfterAll();
    }

    [Fact]
    public async Task The_rechoke_runs_every_ten_seconds_and_the_optimistic_timer_every_thirty()
    {
        var manager = StartManager(slots: 2);
        for (var i = 0; i < 3; i++) await AddRemote(manager);

        Clock.Advance(TimeSpan.FromSeconds(9));
        _torrent.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Clock.Advance(TimeSpan.FromSeconds(1));
        _torrent.ExpectMsg<PeerManager.Rechoked>(TimeSpan.FromSeconds(5));
        _torrent.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        AdvanceAndExpectRechoke(TimeSpan.FromSeconds(10));
        _torrent.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        // At 30 s both timers fire: two rechokes.
        AdvanceAndExpectRechoke(TimeSpan.FromSeconds(10));
        _torrent.ExpectMsg<PeerManager.Rechoked>(TimeSpan.FromSeconds(5));
        _torrent.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Without_peers_no_timer_fires_the_first_peer_starts_the_rechoke_and_the_last_one_leaving_stops_it()
    {
        var manager = StartManager(slots: 2);
        // A minute of an idle torrent (no peers, no addresses): the choker never runs.
        for (var i = 0; i < 6; i++) Clock.Advance(TimeSpan.FromSeconds(10));
        _torrent.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        var (remote, _) = await AddRemote(manager);
        Clock.Advance(TimeSpan.FromSeconds(10));
        _torrent.ExpectMsg<PeerManager.Rechoked>(TimeSpan.FromSeconds(5));

        await remote.DisposeAsync();
        AwaitCondition(() => Peers(manager).Count == 0, TimeSpan.FromSeconds(5));
        _torrent.ReceiveWhile(TimeSpan.FromMilliseconds(300), m => m); // anything told while it left
        // Its address is redialled when due and refused at once (the scripted peer is gone); between two steps of the
        // clock that attempt has ended, so no rechoke may run.
        for (var i = 0; i < 6; i++)
        {
            Clock.Advance(TimeSpan.FromSeconds(10));
            await Task.Delay(200);
            AwaitCondition(() => Peers(manager).Count == 0, TimeSpan.FromSeconds(5));
        }
        _torrent.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task Interested_peers_are_unchoked_at_once_up_to_the_slots_and_the_rechoke_keeps_slots_plus_one()
    {
        var manager = StartManager(slots: 2);
        var remotes = new List<ScriptedPeer>();
        for (var i = 0; i < 4; i++) remotes.Add((await AddRemote(manager)).Remote);
        foreach (var r in remotes) await r.SendAsync(Interested.Instance);
        AwaitInterested(manager, 4);

        // No timer has fired yet: the free slots (2 regular + 1 optimistic) were filled as interest arrived.
        AwaitCondition(() => Peers(manager).Count(p => !p.AmChoking) == 3, TimeSpan.FromSeconds(5));
        var unchokedEarly = 0;
        foreach (var r in remotes)
            if (await r.ReceiveAsync<Unchoke>(TimeSpan.FromMilliseconds(500)).ContinueWith(t => t.IsCompletedSuccessfully)) unchokedEarly++;
        Assert.Equal(3, unchokedEarly);

        for (var round = 0; round < 4; round++)
        {
            var decision = AdvanceAndExpectRechoke(TimeSpan.FromSeconds(10));
            Assert.Equal(2, decision.Regular.Count);
            Assert.NotNull(decision.Optimistic);
            Assert.DoesNotContain(decision.Optimistic, decision.Regular);
            if (round == 2) _torrent.ExpectMsg<PeerManager.Rechoked>(TimeSpan.FromSeconds(5)); // the 30 s timer too
            AwaitCondition(() => Peers(manager).Count(p => !p.AmChoking) == 3, TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public async Task The_optimistic_unchoke_rotates_every_thirty_seconds()
    {
        // No regular slots: only the optimistic unchoke, which must move to another peer every 30 s.
        var manager = StartManager(slots: 0);
        var remotes = new List<ScriptedPeer>();
        for (var i = 0; i < 3; i++) remotes.Add((await AddRemote(manager)).Remote);
        foreach (var r in remotes) await r.SendAsync(Interested.Instance);
        AwaitInterested(manager, 3);

        // The optimistic peer after all the timers due at t = 10, 20, ... 70 s have fired.
        var optimistic = new List<IPEndPoint?>();
        for (var t = 10; t <= 70; t += 10)
        {
            var decision = AdvanceAndExpectRechoke(TimeSpan.FromSeconds(10));
            if (t % 30 == 0) decision = _torrent.ExpectMsg<PeerManager.Rechoked>(TimeSpan.FromSeconds(5)); // the 30 s timer too
            Assert.Empty(decision.Regular);
            Assert.NotNull(decision.Optimistic);
            optimistic.Add(decision.Optimistic);
        }
        // First chosen at the 10 s rechoke, rotated by the 30 s timer at 30 s and 60 s, kept in between.
        Assert.Equal(optimistic[0], optimistic[1]);
        Assert.NotEqual(optimistic[1], optimistic[2]);
        Assert.Equal(optimistic[2], optimistic[3]);
        Assert.Equal(optimistic[2], optimistic[4]);
        Assert.NotEqual(optimistic[4], optimistic[5]);
        Assert.Equal(optimistic[5], optimistic[6]);
        // The one unchoked peer is the optimistic one, on the wire too.
        await Task.Delay(200);
        Assert.Single(Peers(manager), p => !p.AmChoking);
    }

    [Fact]
    public async Task A_peer_that_unchokes_us_but_sends_nothing_for_a_minute_loses_its_regular_slot()
    {
        var manager = StartManager(slots: 1, seed: 3);
        var (snubber, snubberConnection) = await AddRemote(manager);
        var (other, _) = await AddRemote(manager);
        var snubberAddress = snubber.EndPoint;

        // We want what the snubber has, and it unchokes us — then sends nothing.
        snubberConnection.Tell(new PieceManager.Interest(true), _pieces.Ref);
        await snubber.ReceiveAsync<Interested>();
        await snubber.SendAsync(Unchoke.Instance);
        _pieces.FishForMessage<PieceManager.RequestBlocks>(_ => true);
        await snubber.SendAsync(Interested.Instance);
        await other.SendAsync(Interested.Instance);
        AwaitInterested(manager, 2);

        // Before the minute is up the snubber competes for the one regular slot like anyone else.
        var regularBefore = new List<IPEndPoint>();
        for (var t = 10; t <= 50; t += 10)
        {
            regularBefore.AddRange(AdvanceAndExpectRechoke(TimeSpan.FromSeconds(10)).Regular);
            if (t % 30 == 0) _torrent.ExpectMsg<PeerManager.Rechoked>(TimeSpan.FromSeconds(5));
            Assert.False(Peers(manager).Single(p => p.Remote.Equals(snubberAddress)).Snubbed);
        }
        Assert.Contains(snubberAddress, regularBefore);

        // From 60 s on it is snubbed: never a regular slot again, at most the optimistic one — which, as the
        // only other interested peer, it gets at the latest at the next 30 s rotation.
        for (var t = 60; t <= 120; t += 10)
        {
            Clock.Advance(TimeSpan.FromSeconds(10));
            var decisions = new List<PeerManager.Rechoked> { _torrent.ExpectMsg<PeerManager.Rechoked>(TimeSpan.FromSeconds(5)) };
            if (t % 30 == 0) decisions.Add(_torrent.ExpectMsg<PeerManager.Rechoked>(TimeSpan.FromSeconds(5)));
            if (t == 60)
            {
                // The connection's tick and the rechoke race at the minute itself; the next rechoke must see the snub, so
                // the connection's report of it has reached the manager before the clock moves on (a loaded machine can
                // deliver it after the next advance).
                AwaitAssert(() => Assert.True(Peers(manager).Single(p => p.Remote.Equals(snubberAddress)).Snubbed), TimeSpan.FromSeconds(5));
                continue;
            }
            Assert.True(Peers(manager).Single(p => p.Remote.Equals(snubberAddress)).Snubbed);
            foreach (var d in decisions) Assert.DoesNotContain(snubberAddress, d.Regular);
            if (t >= 90) Assert.Equal(snubberAddress, decisions[^1].Optimistic);
        }
    }
}
