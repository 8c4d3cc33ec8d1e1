using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Engine.Core.Buffers;
using Engine.Core.Extensions;
using Engine.Core.Holepunch;
using Engine.Core.Peers;
using Engine.Core.Pex;
using Engine.Core.Primitives;
using Engine.Core.Wire;
using Engine.Peers;
using Engine.Pieces;
using Engine.Tests.Support;
using Engine.Transports;

namespace Engine.Tests.Peers;

/// <summary>The PeerManager as a BEP 55 relay between two scripted peers speaking ut_holepunch.</summary>
public sealed class PeerManagerHolepunchSpec : TestKit
{
    private readonly InfoHash _infoHash = InfoHash.FromHex("00112233445566778899aabbccddeeff00112233");
    private readonly List<ScriptedPeer> _remotes = new();
    private const byte TheirId = 7;

    private IActorRef StartManager(PeerManagerSettings? managerSettings = null, int listenPort = 6881)
    {
        var settings = new PeerSettings { SilenceTimeout = TimeSpan.FromHours(1), HandshakeTimeout = TimeSpan.FromHours(1) };
        var ctx = new SwarmContext(_infoHash, PeerId.CreateOurs(), new TorrentLayout(10 * 32 * 1024, 32 * 1024), CreateTestProbe().Ref, CreateTestProbe().Ref,
            new BlockPool(64), settings, listenPort) { Pex = true, HolepunchDialer = TcpDialer.Instance };
        return CreateTestProbe().ChildActorOf(PeerManager.Props(ctx, managerSettings ?? new PeerManagerSettings()));
    }

    /// <summary>A peer the manager dials; it names ut_holepunch (or not) in its extension handshake. Returns it and our id for ut_holepunch.</summary>
    private async Task<(ScriptedPeer Peer, byte OurId)> Connect(IActorRef manager, bool speaksHolepunch = true)
    {
        var (peer, ours) = await ConnectWithHandshake(manager, speaksHolepunch);
        return (peer, (byte)ours.IdOf(HolepunchExtension.Name)!.Value);
    }

    /// <summary>Like <see cref="Connect"/>, the peer naming ut_pex too; returns our extension handshake.</summary>
    private async Task<(ScriptedPeer Peer, ExtensionHandshake Ours)> ConnectWithHandshake(IActorRef manager, bool speaksHolepunch, IPAddress? yourIp = null)
    {
        var remote = ScriptedPeer.Listen();
        _remotes.Add(remote);
        manager.Tell(new PeerManager.AddPeers([remote.EndPoint]));
        await remote.AcceptAsync();
        await remote.ReceiveHandshakeAsync();
        await remote.SendHandshakeAsync(_infoHash, fast: true, extensions: true);
        var ours = ExtensionHandshake.Decode((await remote.ReceiveAsync<Extended>()).Payload);
        var m = new Dictionary<string, int> { [PexExtension.Name] = TheirId + 1 };
        if (speaksHolepunch) m[HolepunchExtension.Name] = TheirId;
        await remote.SendAsync(new Extended(0, new ExtensionHandshake(m) { YourIp = yourIp }.Encode()));
        return (remote, ours);
    }

    private static async Task<HolepunchMessage> ReceiveHolepunch(ScriptedPeer peer)
    {
        while (true)
        {
            var e = await peer.ReceiveAsync<Extended>();
            if (e.ExtendedId == TheirId) return HolepunchMessage.TryDecode(e.Payload)!;
        }
    }

    private static Task Ask(ScriptedPeer from, byte ourId, IPEndPoint target) =>
        from.SendAsync(new Extended(ourId, new HolepunchMessage(HolepunchMessageType.Rendezvous, target).Encode()));

    [Fact]
    public async Task A_rendezvous_for_a_connected_peer_that_speaks_it_sends_connect_to_both_and_errors_otherwise()
    {
        var manager = StartManager();
        var (a, id) = await Connect(manager);
        var (b, _) = await Connect(manager);
        var (mute, _) = await Connect(manager, speaksHolepunch: false);
        await Task.Delay(300); // the handshakes have reached the manager

        await Ask(a, id, b.EndPoint);
        Assert.Equal(new HolepunchMessage(HolepunchMessageType.Connect, b.EndPoint), await ReceiveHolepunch(a));
        Assert.Equal(new HolepunchMessage(HolepunchMessageType.Connect, a.EndPoint), await ReceiveHolepunch(b));

        var nobody = new IPEndPoint(IPAddress.Parse("203.0.113.9"), 6881);
        var closed = new IPEndPoint(IPAddress.Loopback, 1); // in the book, its dial refused
        manager.Tell(new PeerManager.AddPeers([closed]));
        foreach (var (target, error) in new[] { (nobody, HolepunchError.NoSuchPeer), (closed, HolepunchError.NotConnected), (a.EndPoint, HolepunchError.NoSelf), (mute.EndPoint, HolepunchError.NoSupport) })
        {
            await Ask(a, id, target);
            Assert.Equal(new HolepunchMessage(HolepunchMessageType.Error, target, error), await ReceiveHolepunch(a));
        }
    }

    /// <summary>
    /// A relay that says NoSelf names our own public address (its PEX gave it back to us, flagged holepunch-capable):
    /// the manager gives that address up, and does not dial it again even once something answers there.
    /// </summary>
    [Fact]
    public async Task A_relay_answering_no_self_makes_the_manager_give_up_the_address_for_good()
    {
        var manager = StartManager(new PeerManagerSettings { RetryBackoff = TimeSpan.FromMilliseconds(100), RedialInterval = TimeSpan.FromMilliseconds(100) });
        var (relay, ours) = await ConnectWithHandshake(manager, speaksHolepunch: true);
        await Task.Delay(300);
        var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var self = (IPEndPoint)probe.LocalEndpoint;
        probe.Stop(); // closed: the direct dial is refused

        var pex = new PexMessage([new PexPeer(self, PexFlags.SupportsHolepunch)], []);
        await relay.SendAsync(new Extended((byte)ours.IdOf(PexExtension.Name)!.Value, pex.Encode()));
        Assert.Equal(new HolepunchMessage(HolepunchMessageType.Rendezvous, self), await ReceiveHolepunch(relay));
        await relay.SendAsync(new Extended((byte)ours.IdOf(HolepunchExtension.Name)!.Value, new HolepunchMessage(HolepunchMessageType.Error, self, HolepunchError.NoSelf).Encode()));
        await Task.Delay(300);

        var listener = new System.Net.Sockets.TcpListener(self);
        listener.Start();
        try
        {
            manager.Tell(new PeerManager.AddPeers([self]));
            await Task.Delay(TimeSpan.FromSeconds(2)); // twenty redial ticks; its backoff after one or two refusals is well under that
            Assert.False(listener.Pending(), "the manager dialled its own public address again");
        }
        finally { listener.Stop(); }
    }

    /// <summary>
    /// A peer that sees us at 127.0.0.1 (<c>yourip</c>) tells us that 127.0.0.1 with our listen port is us: listed back
    /// (as libtorrent's PEX does), it is never dialled. A manager told nothing dials it, so the test can fail.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_address_a_peer_sees_us_at_is_not_dialled_with_our_listen_port(bool told)
    {
        var ownListener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        ownListener.Start();
        try
        {
            var self = (IPEndPoint)ownListener.LocalEndpoint;
            var manager = StartManager(new PeerManagerSettings { RetryBackoff = TimeSpan.FromMilliseconds(100), RedialInterval = TimeSpan.FromMilliseconds(100) }, self.Port);
            var (peer, ours) = await ConnectWithHandshake(manager, speaksHolepunch: false, yourIp: told ? IPAddress.Loopback : null);
            Assert.Equal(peer.EndPoint.Address, ours.YourIp); // and we tell it where we see it
            await Task.Delay(300);

            manager.Tell(new PeerManager.AddPeers([self]));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
            while (!ownListener.Pending() && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.Equal(!told, ownListener.Pending());
        }
        finally { ownListener.Stop(); }
    }

    protected override void AfterAll()
    {
        foreach (var r in _remotes) r.DisposeAsync().AsTask().Wait();
        base.AfterAll();
    }
}
