using System.Buffers.Binary;
using System.Net.Sockets;
using System.Net;

namespace Engine.Tests.Interop;

[Trait("Category", "Interop")]
public sealed class OpenTrackerTests
{
    private const string HashA = "0123456789abcdef0123456789abcdef01234567";
    private const string HashB = "89abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task Only_whitelisted_hashes_are_served_and_a_reload_adds_more_without_a_restart()
    {
        await using var tracker = await OpenTracker.StartAsync([HashA]);
        var pid = tracker.Process.Pid;

        Assert.True(await tracker.IsServedAsync(HashA)); // StartAsync returns once the whitelist is read
        Assert.False(await tracker.IsServedAsync(HashB));

        await tracker.AllowAsync(HashB);

        Assert.True(await tracker.IsServedAsync(HashB));
        Assert.True(await tracker.IsServedAsync(HashA));
        Assert.Equal(new ScrapeResult(0, 0, 0), await tracker.ScrapeAsync(HashB)); // the probe peer was removed again
        Assert.Equal(pid, tracker.Process.Pid);
        Assert.False(tracker.Process.HasExited);
        Assert.Equal($"http://127.0.0.1:{tracker.Port}/announce", tracker.AnnounceUrl);
    }

    [Fact]
    public async Task Udp_announces_on_the_same_port_reach_the_same_swarm_as_http()
    {
        await using var tracker = await OpenTracker.StartAsync([HashA]);
        Assert.Equal($"udp://127.0.0.1:{tracker.Port}/announce", tracker.UdpAnnounceUrl);

        // A leecher announces over UDP (BEP 15) ...
        var peers = await UdpAnnounceAsync(tracker.Port, HashA, listenPort: 40001, left: 1000);
        Assert.Contains(new IPEndPoint(IPAddress.Loopback, 40001), peers); // opentracker lists the announcer itself too

        // ... and HTTP scrape sees it; a second peer learns its address.
        var scrape = await tracker.WaitForSwarmAsync(HashA, seeders: 0, leechers: 1, TimeSpan.FromSeconds(5));
        Assert.Equal(1, scrape.Incomplete);
        var second = await UdpAnnounceAsync(tracker.Port, HashA, listenPort: 40002, left: 0);
        Assert.Contains(new IPEndPoint(IPAddress.Loopback, 40001), second);
        Assert.Equal(new ScrapeResult(1, 1, 0), await tracker.ScrapeAsync(HashA) with { Downloaded = 0 });
    }

    [Fact]
    public async Task Waiting_for_a_swarm_that_never_forms_times_out_with_the_last_counts()
    {
        await using var tracker = await OpenTracker.StartAsync([HashA]);
        var e = await Assert.ThrowsAsync<TimeoutException>(
            () => tracker.WaitForSwarmAsync(HashA, seeders: 1, leechers: 0, TimeSpan.FromMilliseconds(300)));
        Assert.Contains("did not reach 1 seeder(s)", e.Message);
    }

    private static async Task<List<IPEndPoint>> UdpAnnounceAsync(int trackerPort, string hashHex, int listenPort, long left)
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var tracker = new IPEndPoint(IPAddress.Loopback, trackerPort);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        var connect = new byte[16];
        BinaryPrimitives.WriteInt64BigEndian(connect, 0x41727101980);
        BinaryPrimitives.WriteInt32BigEndian(connect.AsSpan(8), 0);
        BinaryPrimitives.WriteInt32BigEndian(connect.AsSpan(12), 1234);
        await udp.SendAsync(connect, tracker, cts.Token);
        var reply = (await udp.ReceiveAsync(cts.Token)).Buffer;
        Assert.Equal(0, BinaryPrimitives.ReadInt32BigEndian(reply));
        var connectionId = BinaryPrimitives.ReadInt64BigEndian(reply.AsSpan(8));

        var announce = new byte[98];
        BinaryPrimitives.WriteInt64BigEndian(announce, connectionId);
        BinaryPrimitives.WriteInt32BigEndian(announce.AsSpan(8), 1);
        BinaryPrimitives.WriteInt32BigEndian(announce.AsSpan(12), 5678);
        Convert.FromHexString(hashHex).CopyTo(announce, 16);
        System.Text.Encoding.ASCII.GetBytes($"-HN0001-{listenPort:D12}").CopyTo(announce, 36);
        BinaryPrimitives.WriteInt64BigEndian(announce.AsSpan(64), left);
        BinaryPrimitives.WriteInt32BigEndian(announce.AsSpan(80), left == 0 ? 1 : 2); // completed / started
        BinaryPrimitives.WriteInt32BigEndian(announce.AsSpan(92), -1);
        BinaryPrimitives.WriteUInt16BigEndian(announce.AsSpan(96), (ushort)listenPort);
        await udp.SendAsync(announce, tracker, cts.Token);
        reply = (await udp.ReceiveAsync(cts.Token)).Buffer;
        Assert.Equal(1, BinaryPrimitives.ReadInt32BigEndian(reply));

        var peers = new List<IPEndPoint>();
        for (var i = 20; i + 6 <= reply.Length; i += 6)
            peers.Add(new IPEndPoint(new IPAddress(reply.AsSpan(i, 4)), BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(i + 4))));
        return peers;
    }
}
