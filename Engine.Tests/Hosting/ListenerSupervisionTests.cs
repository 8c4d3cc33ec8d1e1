using System.Net.Sockets;
using System.Net;
using Akka.Actor;
using Akka.Event;
using Akka.TestKit.Xunit2;
using Engine.Core.Buffers;
using Engine.Core.Primitives;
using Engine.Events;
using Engine.Runtime;
using Engine.Tests.Support;
using Engine.Torrents;

namespace Engine.Tests.Hosting;

/// <summary>The engine root watches its listener: a listener that dies is logged with its cause and replaced on the same port.</summary>
public sealed class ListenerSupervisionTests() : TestKit("akka.loglevel = WARNING")
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>
    /// An address of loopback's no other test listens on. The port is free for ~3 s while the listener is down; on
    /// 127.0.0.1 another test's port-0 bind could take it meanwhile (a CI run met a stranger's connection reset there).
    /// </summary>
    private static readonly IPAddress Address = IPAddress.Parse("127.0.93.1");

    [Fact]
    public async Task A_killed_listener_is_logged_and_listens_again_on_the_port_it_had_bound_retrying_while_the_port_is_taken()
    {
        using var data = GeneratedTorrent.Create("relisten", [("a.bin", 100_000)], 32 * 1024, seed: 31);
        using var http = new HttpClient();
        var defaults = new EngineOptions();
        var context = new EngineContext(PeerId.CreateOurs(), new BlockPool(256), http, 0, defaults.Peers, defaults.PeerManager, defaults.Trackers, defaults.ResumeSaveInterval);
        // Port 0 asked: the port to keep is the one the first listener was given.
        var root = Sys.ActorOf(EngineRoot.Props(context, new IPEndPoint(Address, 0), data.NewDirectory("state")), "engine");
        var port = (await root.Ask<EngineRoot.ListenEndPoint>(new EngineRoot.GetListenEndPoint(), Bound)).EndPoint!;
        Assert.NotEqual(0, port.Port);
        var torrent = (await root.Ask<EngineRoot.TorrentAdded>(new EngineRoot.AddTorrent(data.Metainfo, data.SeedDirectory), Bound)).Torrent;
        await TestEngine.WaitAsync(torrent, s => s.State == TorrentState.Seeding, Bound, "seeding");
        var logs = CreateTestProbe();
        Sys.EventStream.Subscribe(logs.Ref, typeof(Warning));

        var listener = await Sys.ActorSelection(root.Path / "listener").ResolveOne(Bound);
        Watch(listener);
        listener.Tell(Kill.Instance);
        await ExpectTerminatedAsync(listener);
        var killed = await NextWarningAsync(logs, "ActorKilledException");
        Assert.Contains("listening again in 1 s", killed);

        // Someone else takes the port before the new listener binds: that failure is logged too, and retried later.
        using (var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            squatter.Bind(port);
            squatter.Listen(1);
            var refused = await NextWarningAsync(logs, "SocketException");
            Assert.Contains("listening again in 2 s", refused);
        }

        await WaitUntilListeningAsync(port);
        var (peer, theirs) = await ScriptedLeecher.ConnectAsync(port, data.Metainfo.InfoHash);
        await using var _ = peer;
        Assert.Equal(data.Metainfo.InfoHash, theirs.InfoHash);
        Assert.Equal(context.OurId, theirs.PeerId);
        Assert.NotEqual(listener, await Sys.ActorSelection(root.Path / "listener").ResolveOne(Bound));
        Assert.Equal(port, (await root.Ask<EngineRoot.ListenEndPoint>(new EngineRoot.GetListenEndPoint(), Bound)).EndPoint);
        await EngineSystem.StopAsync(torrent);
    }

    private static async Task<string> NextWarningAsync(Akka.TestKit.TestProbe logs, string containing)
    {
        var warning = await logs.FishForMessageAsync<Warning>(w => w.Message.ToString()!.Contains(containing), Bound);
        return warning.Message.ToString()!;
    }

    private static async Task WaitUntilListeningAsync(IPEndPoint port)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(port).WaitAsync(TimeSpan.FromSeconds(2));
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
