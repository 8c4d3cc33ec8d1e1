using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Engine.Core.Buffers;
using Engine.Core.Extensions;
using Engine.Core.Holepunch;
using Engine.Core.Peers;
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

    private IActorRef StartManager()
    {
        var settings = new PeerSettings { SilenceTimeout = TimeSpan.FromHours(1), HandshakeTimeout = TimeSpan.FromHours(1) };
        var ctx = new SwarmContext(_infoHash, PeerId.CreateOurs(), new TorrentLayout(10 * 32 * 1024, 32 * 1024), CreateTestProbe().Ref, CreateTestProbe().Ref,
            new BlockPool(64), settings, 6881) { Pex = true, HolepunchDialer = TcpDialer.Instance };
        return CreateTestProbe().ChildActorOf(PeerManager.Props(ctx, new PeerManagerSettings()));
    }

    /// <summary>A peer the manager dials; it names ut_holepunch (or not) in its extension handshake. Returns it and our id for ut_holepunch.</summary>
    private async Task<(ScriptedPeer Peer, byte OurId)> Connect(IActorRef manager, bool speaksHolepunch = true)
    {
        var remote = ScriptedPeer.Listen();
        _remotes.Add(remote);
        manager.Tell(new PeerManager.AddPeers([remote.EndPoint]));
        await remote.AcceptAsync();
        await remote.ReceiveHandshakeAsync();
        await remote.SendHandshakeAsync(_infoHash, fast: true, extensions: true);
        var ours = ExtensionHandshake.Decode((await remote.ReceiveAsync<Extended>()).Payload);
        var m = speaksHolepunch ? new Dictionary<string, int> { [HolepunchExtension.Name] = TheirId } : new Dictionary<string, int>();
        await remote.SendAsync(new Extended(0, new ExtensionHandshake(m).Encode()));
        return (remote, (byte)ours.IdOf(HolepunchExtension.Name)!.Value);
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

    protected override void AfterAll()
    {
        foreach (var r in _remotes) r.DisposeAsync().AsTask().Wait();
        base.AfterAll();
    }
}
